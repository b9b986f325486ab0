import { cn } from '../../lib/cn';

/** A grey placeholder block shown while content loads. Hidden from screen readers. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn('animate-pulse rounded-lg bg-surface-muted', className)} />;
}
