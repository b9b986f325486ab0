import { Copy } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from './ui/button';

/** Copies text to the clipboard, saying so, or saying why it could not. */
export function copyText(text: string, what: string): void {
  void (navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('no clipboard'))).then(
    () => toast.success(`${what} copied`),
    () => toast.error('Could not copy', { description: `Your browser blocked the clipboard. Select the ${what.toLowerCase()} and copy it by hand.` }),
  );
}

export function CopyButton({ text, what }: { text: string; what: string }) {
  return (
    <Button variant="ghost" size="icon" aria-label={`Copy ${what.toLowerCase()}`} title={`Copy ${what.toLowerCase()}`} onClick={() => copyText(text, what)}>
      <Copy aria-hidden />
    </Button>
  );
}
