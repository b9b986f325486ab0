import { cva, type VariantProps } from 'class-variance-authority';
import { Loader2 } from 'lucide-react';
import { Slot } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

export const buttonVariants = cva(
  [
    'inline-flex shrink-0 items-center justify-center gap-2 whitespace-nowrap rounded-lg font-medium select-none',
    'transition-[background-color,border-color,color,box-shadow,transform] duration-150 ease-out',
    'active:translate-y-px disabled:pointer-events-none disabled:opacity-60 aria-disabled:opacity-60',
    '[&_svg]:pointer-events-none [&_svg]:shrink-0 [&_svg:not([class*=size-])]:size-5',
  ],
  {
    variants: {
      variant: {
        primary: 'bg-primary text-primary-fg shadow-card hover:bg-primary-hover hover:shadow-raised',
        secondary: 'border border-line bg-surface text-fg shadow-card hover:border-line-strong hover:bg-surface-muted hc:border-line-strong',
        ghost: 'text-fg hover:bg-surface-muted',
        danger: 'bg-danger text-danger-fg shadow-card hover:bg-danger-hover',
        'danger-outline': 'border border-line bg-surface text-danger-text hover:border-danger hover:bg-danger-soft hc:border-danger',
        link: 'text-primary-text underline-offset-4 hover:underline px-0 h-auto min-h-11',
      },
      size: {
        md: 'h-11 px-4 text-[0.9375rem]',
        lg: 'h-12 px-6 text-base',
        icon: 'size-11',
      },
    },
    defaultVariants: { variant: 'primary', size: 'md' },
  },
);

export interface ButtonProps extends ComponentProps<'button'>, VariantProps<typeof buttonVariants> {
  /** Render the child element (e.g. a router Link) with button styling. */
  asChild?: boolean;
  /** Shows a spinner and marks the button busy; it stays focusable but does nothing. */
  loading?: boolean;
}

export function Button({ className, variant, size, asChild, loading, children, disabled, ...props }: ButtonProps) {
  const Comp = asChild ? Slot.Root : 'button';
  return (
    <Comp
      className={cn(buttonVariants({ variant, size }), className)}
      disabled={disabled}
      aria-busy={loading || undefined}
      {...(!asChild && { type: props.type ?? 'button' })}
      {...props}
      onClick={loading ? (e) => e.preventDefault() : props.onClick}
    >
      {loading && !asChild ? (
        <>
          <Loader2 className="animate-spin" aria-hidden />
          {children}
        </>
      ) : (
        children
      )}
    </Comp>
  );
}
