import { Popover as P } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

export const Popover = P.Root;
export const PopoverTrigger = P.Trigger;
export const PopoverClose = P.Close;

export function PopoverContent({ className, ...props }: ComponentProps<typeof P.Content>) {
  return (
    <P.Portal>
      <P.Content
        sideOffset={8}
        collisionPadding={12}
        className={cn('z-50 w-80 rounded-xl border border-line bg-surface p-4 text-fg shadow-raised animate-pop-in hc:border-line-strong', className)}
        {...props}
      />
    </P.Portal>
  );
}
