import { X } from 'lucide-react';
import { Dialog as D } from 'radix-ui';
import type { ComponentProps, ReactNode } from 'react';
import { cn } from '../../lib/cn';

export const Dialog = D.Root;
export const DialogTrigger = D.Trigger;
export const DialogClose = D.Close;

function Overlay({ className }: { className?: string }) {
  return <D.Overlay className={cn('fixed inset-0 z-50 bg-overlay backdrop-blur-[2px] animate-fade-in', className)} />;
}

export interface DialogContentProps extends ComponentProps<typeof D.Content> {
  /** Hide the corner close button (the content provides its own way out). */
  hideClose?: boolean;
}

/** A centred modal. Needs a DialogTitle; add a DialogDescription or pass aria-describedby={undefined}. */
export function DialogContent({ className, children, hideClose, ...props }: DialogContentProps) {
  return (
    <D.Portal>
      <Overlay />
      <D.Content
        className={cn(
          'fixed top-[12vh] left-1/2 z-50 flex max-h-[80vh] w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 flex-col overflow-hidden',
          'rounded-xl border border-line bg-surface text-fg shadow-raised animate-pop-in hc:border-line-strong',
          className,
        )}
        {...props}
      >
        {children}
        {!hideClose && (
          <D.Close
            className="absolute top-3 right-3 inline-flex size-11 items-center justify-center rounded-lg text-fg-muted hover:bg-surface-muted hover:text-fg"
            aria-label="Close"
          >
            <X className="size-5" aria-hidden />
          </D.Close>
        )}
      </D.Content>
    </D.Portal>
  );
}

export function DialogHeader({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('flex flex-col gap-1 px-6 pt-6 pb-2 pr-16', className)} {...props} />;
}

export function DialogTitle({ className, ...props }: ComponentProps<typeof D.Title>) {
  return <D.Title className={cn('text-lg font-semibold tracking-tight', className)} {...props} />;
}

export function DialogDescription({ className, ...props }: ComponentProps<typeof D.Description>) {
  return <D.Description className={cn('text-sm text-fg-muted', className)} {...props} />;
}

export function DialogBody({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('overflow-y-auto px-6 py-4', className)} {...props} />;
}

export function DialogFooter({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('flex flex-wrap justify-end gap-3 border-t border-line px-6 py-4', className)} {...props} />;
}

/** A panel that slides in from the left edge (the navigation drawer on phones). */
export function SheetContent({ className, children, title, ...props }: ComponentProps<typeof D.Content> & { title: ReactNode }) {
  return (
    <D.Portal>
      <Overlay />
      <D.Content
        aria-describedby={undefined}
        className={cn(
          'fixed inset-y-0 left-0 z-50 flex w-[min(20rem,85vw)] flex-col border-r border-line bg-surface text-fg shadow-raised animate-slide-in-left hc:border-line-strong',
          className,
        )}
        {...props}
      >
        <D.Title className="sr-only">{title}</D.Title>
        {children}
      </D.Content>
    </D.Portal>
  );
}
