import { cn } from '../../lib/cn';

/** The QLoRA Studio mark: a blue tile with a low-rank "adapter" dot. */
export function BrandMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={cn('size-8 shrink-0', className)}>
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <path d="M9 22V10h4.5a4.5 4.5 0 0 1 0 9H9" fill="none" className="stroke-primary-fg" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      <circle cx="22" cy="21" r="3" className="fill-success hc:fill-primary-fg" />
    </svg>
  );
}
