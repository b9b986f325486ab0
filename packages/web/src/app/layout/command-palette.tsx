import { Command as Cmdk } from 'cmdk';
import { CornerDownLeft, Search } from 'lucide-react';
import { useRef } from 'react';
import { Dialog, DialogContent, DialogTitle } from '../../components/ui/dialog';
import { Kbd, Shortcut } from '../../components/ui/kbd';
import { scoreCommand, useCommands, type Command } from '../../lib/commands';
import { useUiState } from '../ui-state';

/** Ctrl/⌘-K: search every registered command and run it. Loaded on first use. */
export default function CommandPalette() {
  const { paletteOpen, setPaletteOpen } = useUiState();
  const commands = useCommands().filter((c) => !c.hiddenInPalette);
  const groups = [...new Set(commands.map((c) => c.group))];
  const ran = useRef(false);

  const run = (command: Command) => {
    ran.current = true;
    setPaletteOpen(false);
    // Let the dialog close (and hand focus back) before the command moves things around.
    setTimeout(() => command.run(), 0);
  };

  return (
    <Dialog
      open={paletteOpen}
      onOpenChange={(open) => {
        if (open) ran.current = false;
        setPaletteOpen(open);
      }}
    >
      <DialogContent
        hideClose
        aria-describedby={undefined}
        className="top-[10vh] max-w-xl p-0"
        onCloseAutoFocus={(event) => {
          // A command that navigated moves focus itself.
          if (ran.current) event.preventDefault();
        }}
      >
        <DialogTitle className="sr-only">Command palette</DialogTitle>
        <Cmdk label="Search commands" loop className="flex min-h-0 flex-col" filter={(value, search, keywords) => scoreCommand(value, keywords ?? [], search)}>
          <div className="flex items-center gap-3 border-b border-line px-4">
            <Search className="size-5 shrink-0 text-fg-muted" aria-hidden />
            <Cmdk.Input
              autoFocus
              placeholder="Type a command or a page…"
              className="h-14 w-full min-w-0 bg-transparent text-base text-fg outline-none placeholder:text-fg-muted"
            />
            <Kbd className="hidden sm:inline-flex">Esc</Kbd>
          </div>
          <Cmdk.List className="max-h-[min(60vh,26rem)] overflow-y-auto overscroll-contain p-2">
            <Cmdk.Empty className="px-4 py-8 text-center text-sm text-fg-muted">No command matches. Try another word.</Cmdk.Empty>
            {groups.map((group) => (
              <Cmdk.Group
                key={group}
                heading={group}
                className="[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pt-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:tracking-wide [&_[cmdk-group-heading]]:text-fg-muted [&_[cmdk-group-heading]]:uppercase"
              >
                {commands
                  .filter((c) => c.group === group)
                  .map((c) => {
                    const Icon = c.icon;
                    return (
                      <Cmdk.Item
                        key={c.id}
                        value={c.title}
                        keywords={c.keywords}
                        disabled={!!c.disabledReason}
                        onSelect={() => run(c)}
                        className="flex min-h-11 cursor-pointer items-center gap-3 rounded-lg px-3 py-2 text-fg select-none data-[disabled=true]:cursor-not-allowed data-[disabled=true]:opacity-70 data-[selected=true]:bg-primary-soft hc:data-[selected=true]:outline-2 hc:data-[selected=true]:outline-ring"
                      >
                        {Icon && <Icon className="size-5 shrink-0 text-fg-muted" aria-hidden />}
                        <span className="flex min-w-0 flex-1 flex-col">
                          <span className="truncate">{c.title}</span>
                          {c.disabledReason && <span className="text-xs text-fg-muted">{c.disabledReason}</span>}
                        </span>
                        {c.shortcut && <Shortcut shortcut={c.shortcut} />}
                      </Cmdk.Item>
                    );
                  })}
              </Cmdk.Group>
            ))}
          </Cmdk.List>
          <div className="hidden items-center gap-4 border-t border-line px-4 py-2.5 text-xs text-fg-muted sm:flex">
            <span className="flex items-center gap-1.5">
              <Kbd>↑</Kbd>
              <Kbd>↓</Kbd> to move
            </span>
            <span className="flex items-center gap-1.5">
              <Kbd>
                <CornerDownLeft className="size-3" aria-hidden />
                <span className="sr-only">Enter</span>
              </Kbd>{' '}
              to run
            </span>
            <span className="flex items-center gap-1.5">
              <Kbd>Esc</Kbd> to close
            </span>
          </div>
        </Cmdk>
      </DialogContent>
    </Dialog>
  );
}
