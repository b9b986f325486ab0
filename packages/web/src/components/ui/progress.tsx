import { Progress as P } from 'radix-ui';
import { cn } from '../../lib/cn';

export interface ProgressProps {
  /** 0–100; null for "working, amount unknown". */
  value: number | null;
  /** Accessible name, e.g. "Training progress". */
  label: string;
  tone?: 'primary' | 'success' | 'warning' | 'danger';
  className?: string;
  size?: 'sm' | 'md';
}

const tones = { primary: 'bg-primary', success: 'bg-success', warning: 'bg-warning', danger: 'bg-danger' };

export function Progress({ value, label, tone = 'primary', className, size = 'md' }: ProgressProps) {
  const clamped = value === null ? null : Math.max(0, Math.min(100, value));
  return (
    <P.Root
      value={clamped}
      aria-label={label}
      aria-valuetext={clamped === null ? 'In progress' : `${Math.round(clamped)}%`}
      className={cn(
        'relative w-full overflow-hidden rounded-full bg-surface-muted hc:border hc:border-line-strong',
        size === 'sm' ? 'h-1.5' : 'h-2.5',
        className,
      )}
    >
      <P.Indicator
        className={cn('h-full rounded-full transition-[width] duration-500 ease-out', tones[tone], clamped === null && 'w-2/5 animate-indeterminate')}
        style={clamped === null ? undefined : { width: `${clamped}%` }}
      />
    </P.Root>
  );
}
