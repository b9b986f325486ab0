import type { CheckStatus } from '@qlora-studio/contracts';
import { cn } from '../../lib/cn';

export type HealthLevel = CheckStatus | 'unreachable' | 'checking';

export const healthMeta: Record<HealthLevel, { label: string; dot: string; text: string }> = {
  ok: { label: 'Healthy', dot: 'bg-success', text: 'text-success-text' },
  degraded: { label: 'Degraded', dot: 'bg-warning', text: 'text-warning-text' },
  down: { label: 'Down', dot: 'bg-danger', text: 'text-danger-text' },
  unreachable: { label: 'Offline', dot: 'bg-danger', text: 'text-danger-text' },
  checking: { label: 'Checking', dot: 'bg-secondary', text: 'text-fg-muted' },
};

/** A coloured dot that pulses while live (unless motion is reduced). Decorative: pair it with text. */
export function StatusDot({ level, pulse, className }: { level: HealthLevel; pulse?: boolean; className?: string }) {
  const meta = healthMeta[level];
  return <span aria-hidden className={cn('inline-block size-2.5 shrink-0 rounded-full', meta.dot, pulse && `animate-pulse-ring ${meta.text}`, className)} />;
}
