import { Fragment } from 'react';
import { describeShortcut, isMacPlatform, shortcutKeys } from '../../lib/commands';
import { cn } from '../../lib/cn';

export function Kbd({ className, children }: { className?: string; children: React.ReactNode }) {
  return (
    <kbd
      className={cn(
        'inline-flex h-6 min-w-6 items-center justify-center rounded-md border border-line bg-surface-muted px-1.5 font-sans text-xs font-semibold text-fg-muted shadow-[inset_0_-1px_0_var(--color-line)] hc:border-line-strong',
        className,
      )}
    >
      {children}
    </kbd>
  );
}

/** A shortcut as key caps, read out in words by screen readers. */
export function Shortcut({ shortcut, className }: { shortcut: string; className?: string }) {
  const mac = isMacPlatform();
  const chords = shortcutKeys(shortcut, mac);
  return (
    <span className={cn('inline-flex items-center gap-1', className)}>
      <span className="sr-only">{describeShortcut(shortcut, mac)}</span>
      <span className="inline-flex items-center gap-1" aria-hidden>
        {chords.map((chord, i) => (
          <Fragment key={i}>
            {i > 0 && <span className="px-0.5 text-xs text-fg-muted">then</span>}
            {chord.map((k) => (
              <Kbd key={k}>{k}</Kbd>
            ))}
          </Fragment>
        ))}
      </span>
    </span>
  );
}
