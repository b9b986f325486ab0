import { Tooltip as T } from 'radix-ui';
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn';

export const TooltipProvider = T.Provider;

export interface TooltipProps {
  content: ReactNode;
  children: ReactNode;
  side?: 'top' | 'right' | 'bottom' | 'left';
  className?: string;
}

/** A hint on hover and on keyboard focus. Never the only place important information lives. */
export function Tooltip({ content, children, side = 'top', className }: TooltipProps) {
  return (
    <T.Root>
      <T.Trigger asChild>{children}</T.Trigger>
      <T.Portal>
        <T.Content
          side={side}
          sideOffset={6}
          collisionPadding={8}
          className={cn(
            'z-[60] max-w-xs rounded-md bg-fg px-2.5 py-1.5 text-xs font-medium text-surface shadow-raised animate-fade-in hc:border hc:border-line-strong hc:bg-surface hc:text-fg',
            className,
          )}
        >
          {content}
        </T.Content>
      </T.Portal>
    </T.Root>
  );
}
