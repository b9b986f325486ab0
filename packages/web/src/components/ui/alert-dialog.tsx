import { AlertDialog as A } from 'radix-ui';
import type { ReactNode } from 'react';
import { Button } from './button';

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  busy?: boolean;
  onConfirm: () => void;
}

/** Asks before something that cannot be undone. Focus starts on Cancel. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return (
    <A.Root open={props.open} onOpenChange={props.onOpenChange}>
      <A.Portal>
        <A.Overlay className="fixed inset-0 z-50 bg-overlay animate-fade-in" />
        <A.Content className="fixed top-[20vh] left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 rounded-xl border border-line bg-surface p-6 text-fg shadow-raised animate-pop-in hc:border-line-strong">
          <A.Title className="text-lg font-semibold tracking-tight">{props.title}</A.Title>
          <A.Description className="mt-2 text-sm text-fg-muted">{props.description}</A.Description>
          <div className="mt-6 flex flex-wrap justify-end gap-3">
            <A.Cancel asChild>
              <Button variant="secondary">{props.cancelLabel ?? 'Cancel'}</Button>
            </A.Cancel>
            <Button
              variant={props.destructive ? 'danger' : 'primary'}
              loading={props.busy}
              onClick={(event) => {
                event.preventDefault();
                props.onConfirm();
              }}
            >
              {props.confirmLabel}
            </Button>
          </div>
        </A.Content>
      </A.Portal>
    </A.Root>
  );
}
