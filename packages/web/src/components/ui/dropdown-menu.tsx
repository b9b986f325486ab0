import { Check } from 'lucide-react';
import { DropdownMenu as M } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

export const DropdownMenu = M.Root;
export const DropdownMenuTrigger = M.Trigger;
export const DropdownMenuRadioGroup = M.RadioGroup;

export function DropdownMenuContent({ className, ...props }: ComponentProps<typeof M.Content>) {
  return (
    <M.Portal>
      <M.Content
        sideOffset={8}
        collisionPadding={12}
        className={cn('z-50 min-w-52 rounded-xl border border-line bg-surface p-1.5 text-fg shadow-raised animate-pop-in hc:border-line-strong', className)}
        {...props}
      />
    </M.Portal>
  );
}

export function DropdownMenuLabel({ className, ...props }: ComponentProps<typeof M.Label>) {
  return <M.Label className={cn('px-3 py-2 text-xs font-semibold tracking-wide text-fg-muted uppercase', className)} {...props} />;
}

const itemClass =
  'relative flex min-h-11 cursor-default items-center gap-3 rounded-lg px-3 text-sm outline-none select-none data-[highlighted]:bg-surface-muted data-[disabled]:opacity-60 hc:data-[highlighted]:outline-2 hc:data-[highlighted]:outline-ring [&_svg]:size-5 [&_svg]:text-fg-muted';

export function DropdownMenuItem({ className, ...props }: ComponentProps<typeof M.Item>) {
  return <M.Item className={cn(itemClass, className)} {...props} />;
}

export function DropdownMenuRadioItem({ className, children, ...props }: ComponentProps<typeof M.RadioItem>) {
  return (
    <M.RadioItem className={cn(itemClass, 'pr-10', className)} {...props}>
      {children}
      <M.ItemIndicator className="absolute right-3 inline-flex">
        <Check className="!text-primary-text" aria-hidden />
      </M.ItemIndicator>
    </M.RadioItem>
  );
}

export function DropdownMenuSeparator({ className, ...props }: ComponentProps<typeof M.Separator>) {
  return <M.Separator className={cn('my-1 h-px bg-line', className)} {...props} />;
}
