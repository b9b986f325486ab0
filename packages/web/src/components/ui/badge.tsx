import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

export const badgeVariants = cva(
  'inline-flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap [&_svg]:size-3.5 [&_svg]:shrink-0',
  {
    variants: {
      tone: {
        neutral: 'border-line bg-surface-muted text-fg-muted hc:border-line-strong',
        primary: 'border-transparent bg-primary-soft text-primary-text hc:border-primary',
        success: 'border-transparent bg-success-soft text-success-text hc:border-success',
        warning: 'border-transparent bg-warning-soft text-warning-text hc:border-warning',
        danger: 'border-transparent bg-danger-soft text-danger-text hc:border-danger',
      },
    },
    defaultVariants: { tone: 'neutral' },
  },
);

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>['tone']>;

export function Badge({ className, tone, ...props }: ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
