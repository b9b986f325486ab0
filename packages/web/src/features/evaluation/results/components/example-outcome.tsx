import { ArrowDown, ArrowUp, Check, X } from 'lucide-react';
import { Badge, type BadgeTone } from '../../../../components/ui/badge';
import type { ExampleOutcome } from '../examples';

export const outcomeStyle: Record<ExampleOutcome, { label: string; tone: BadgeTone; icon: typeof Check; help: string }> = {
  won: { label: 'Won', tone: 'success', icon: ArrowUp, help: 'right where the base was wrong' },
  lost: { label: 'Lost', tone: 'danger', icon: ArrowDown, help: 'wrong where the base was right' },
  'both right': { label: 'Both right', tone: 'neutral', icon: Check, help: 'the model and the base both right' },
  'both wrong': { label: 'Both wrong', tone: 'neutral', icon: X, help: 'the model and the base both wrong' },
};

/** An example's outcome against the base: a word and an icon, never colour alone. */
export function OutcomeBadge({ outcome }: { outcome: ExampleOutcome | undefined }) {
  if (!outcome) return <span className="text-fg-muted">—</span>;
  const { label, tone, icon: Icon } = outcomeStyle[outcome];
  return (
    <Badge tone={tone}>
      <Icon aria-hidden />
      {label}
    </Badge>
  );
}
