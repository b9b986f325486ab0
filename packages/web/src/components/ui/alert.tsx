import { cva, type VariantProps } from 'class-variance-authority';
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '../../lib/cn';

const alertVariants = cva('flex gap-3 rounded-xl border p-4 text-sm [&>svg]:mt-0.5 [&>svg]:size-5 [&>svg]:shrink-0', {
  variants: {
    tone: {
      info: 'border-primary/25 bg-primary-soft text-fg [&>svg]:text-primary-text hc:border-primary',
      success: 'border-success/30 bg-success-soft text-fg [&>svg]:text-success-text hc:border-success',
      warning: 'border-warning/35 bg-warning-soft text-fg [&>svg]:text-warning-text hc:border-warning',
      danger: 'border-danger/30 bg-danger-soft text-fg [&>svg]:text-danger-text hc:border-danger',
    },
  },
  defaultVariants: { tone: 'info' },
});

const icons = { info: Info, success: CheckCircle2, warning: AlertTriangle, danger: XCircle };

export interface AlertProps extends VariantProps<typeof alertVariants> {
  title: ReactNode;
  children?: ReactNode;
  className?: string;
  /** Buttons or links (e.g. "Try again"). */
  action?: ReactNode;
  role?: 'alert' | 'status';
}

/** A message about something that happened and what to do about it. */
export function Alert({ tone = 'info', title, children, className, action, role }: AlertProps) {
  const Icon = icons[tone ?? 'info'];
  return (
    <div role={role} className={cn(alertVariants({ tone }), className)}>
      <Icon aria-hidden />
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{title}</p>
        {children && <div className="mt-1 text-fg-muted">{children}</div>}
        {action && <div className="mt-3 flex flex-wrap gap-2">{action}</div>}
      </div>
    </div>
  );
}
