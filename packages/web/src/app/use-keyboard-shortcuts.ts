import { useEffect } from 'react';
import { toast } from 'sonner';
import { commandRegistry, createShortcutMatcher, isEditableTarget, isMacPlatform } from '../lib/commands';

/** Runs registered commands from their shortcuts, anywhere in the app. */
export function useKeyboardShortcuts() {
  useEffect(() => {
    const matcher = createShortcutMatcher(commandRegistry.list, { isMac: isMacPlatform() });
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target as HTMLElement | null;
      // Inside a dialog or menu, keys belong to it; only "anywhere" shortcuts (mod+k) apply.
      const inOverlay = !!target?.closest?.('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]');
      const { command, handled } = matcher.feed(event, isEditableTarget(target) || inOverlay);
      if (handled) event.preventDefault();
      if (!command) return;
      if (command.disabledReason) {
        toast.info(`${command.title} is not available`, { description: command.disabledReason });
        return;
      }
      command.run();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
