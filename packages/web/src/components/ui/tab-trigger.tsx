import { Tabs } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

/** A tab of an underlined tab list (Radix Tabs): 44 px tall, the active one underlined in the primary colour. */
export function TabTrigger({ className, ...props }: ComponentProps<typeof Tabs.Trigger>) {
  return (
    <Tabs.Trigger
      className={cn(
        '-mb-px inline-flex min-h-11 items-center gap-2 border-b-2 border-transparent px-4 text-sm font-medium text-fg-muted hover:text-fg',
        'data-[state=active]:border-primary data-[state=active]:text-fg',
        className,
      )}
      {...props}
    />
  );
}
