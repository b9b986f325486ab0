import { ShortcutList } from '../../components/shortcut-list';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '../../components/ui/dialog';
import { Shortcut } from '../../components/ui/kbd';
import { useUiState } from '../ui-state';

/** `?`: every keyboard shortcut, from the command registry. */
export function ShortcutsDialog() {
  const { shortcutsOpen, setShortcutsOpen } = useUiState();
  return (
    <Dialog open={shortcutsOpen} onOpenChange={setShortcutsOpen}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>
            Sequences like <Shortcut shortcut="g d" /> mean: press G, let go, then press D. Shortcuts are off while you type in a field.
          </DialogDescription>
        </DialogHeader>
        <DialogBody className="pb-6">
          <ShortcutList headingLevel={3} />
        </DialogBody>
      </DialogContent>
    </Dialog>
  );
}
