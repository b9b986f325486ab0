import type { ComponentProps, ReactNode } from 'react';
import { useId } from 'react';
import { cn } from '../../lib/cn';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return (
    <input
      className={cn(
        'h-11 w-full min-w-0 rounded-lg border border-line-strong bg-surface px-3 text-base text-fg shadow-[inset_0_1px_2px_rgb(15_23_42/0.04)]',
        'placeholder:text-fg-muted disabled:cursor-not-allowed disabled:bg-surface-muted disabled:opacity-80',
        'aria-[invalid=true]:border-danger aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-danger',
        className,
      )}
      {...props}
    />
  );
}

export interface FieldProps {
  label: ReactNode;
  description?: ReactNode;
  error?: string | null;
  className?: string;
  /** Renders the control with the ids that tie it to its label, description and error. */
  children: (ids: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}

/** Label, control, help text and error message, wired together for screen readers. */
export function Field({ label, description, error, className, children }: FieldProps) {
  const id = useId();
  const descriptionId = description ? `${id}-description` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [descriptionId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <label htmlFor={id} className="text-sm font-medium text-fg">
        {label}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {description && (
        <p id={descriptionId} className="text-sm text-fg-muted">
          {description}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm font-medium text-danger-text">
          {error}
        </p>
      )}
    </div>
  );
}

/** A native <select> styled to match Input. */
export const selectClass = 'h-11 w-full rounded-lg border border-line-strong bg-surface px-3 text-base text-fg';
