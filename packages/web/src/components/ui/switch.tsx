import { Switch as S } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '../../lib/cn';

/** An on/off switch. Its hit area is 44px tall even though it looks smaller. */
export function Switch({ className, ...props }: ComponentProps<typeof S.Root>) {
  return (
    <S.Root
      className={cn(
        'tap-target peer inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors',
        'bg-line-strong data-[state=checked]:bg-primary disabled:cursor-not-allowed disabled:opacity-60',
        'hc:border-line-strong hc:bg-surface hc:data-[state=checked]:bg-primary',
        className,
      )}
      {...props}
    >
      <S.Thumb className="pointer-events-none block size-5 rounded-full bg-white shadow-card transition-transform data-[state=checked]:translate-x-5 hc:bg-fg hc:data-[state=checked]:bg-primary-fg" />
    </S.Root>
  );
}
