import { RadioGroup as R } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

/** Arrow keys move between items; Tab leaves the group. Give it an aria-label or aria-labelledby. */
export function RadioGroup({ className, ...props }: ComponentProps<typeof R.Root>) {
  return <R.Root className={cn('grid gap-3', className)} {...props} />;
}

/** A selectable card: the whole card is the radio button. */
export function RadioCard({ className, children, ...props }: ComponentProps<typeof R.Item>) {
  return (
    <R.Item
      className={cn(
        'group relative flex min-h-11 flex-col rounded-xl border-2 border-line bg-surface p-3 text-left transition-[border-color,box-shadow]',
        'hover:border-line-strong data-[state=checked]:border-primary data-[state=checked]:shadow-raised',
        'disabled:cursor-not-allowed disabled:opacity-60 hc:border-line hc:data-[state=checked]:border-primary',
        className,
      )}
      {...props}
    >
      {children}
    </R.Item>
  );
}

/** A compact segmented control built from radio buttons. */
export function Segmented({ className, ...props }: ComponentProps<typeof R.Root>) {
  return (
    <R.Root className={cn('inline-flex flex-wrap gap-1 rounded-xl border border-line bg-surface-muted p-1 hc:border-line-strong', className)} {...props} />
  );
}

export function SegmentedItem({ className, ...props }: ComponentProps<typeof R.Item>) {
  return (
    <R.Item
      className={cn(
        'inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg px-3 text-sm font-medium text-fg-muted transition-colors',
        'hover:text-fg data-[state=checked]:bg-surface data-[state=checked]:text-fg data-[state=checked]:shadow-card',
        'hc:data-[state=checked]:bg-primary hc:data-[state=checked]:text-primary-fg [&_svg]:size-4',
        className,
      )}
      {...props}
    />
  );
}
