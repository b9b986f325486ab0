import type { EvaluationComparison } from '@qlora-studio/contracts';
import { cn } from '../../../../lib/cn';
import { direction, directionText, signed, type Direction } from '../verdict';

type Metric = EvaluationComparison['metrics'][number];

const tone: Record<Direction, string> = {
  helped: 'bg-success',
  hurt: 'bg-danger',
  unclear: 'bg-secondary',
  unknown: 'bg-secondary',
};

/** Where `x` falls on a track from -span to +span, as a CSS percentage. */
const at = (x: number, span: number) => `${(((x / span + 1) / 2) * 100).toFixed(2)}%`;

/**
 * Each compared model's difference from the base with its 95% bootstrap interval, drawn as a range
 * around a dot on a track centred on zero; the numbers and the verdict are written beside it, so
 * the drawing only repeats them.
 */
export function DeltaRanges({ metric }: { metric: Metric }) {
  const unit = metric.unit ? ` ${metric.unit}` : '';
  const extremes = metric.deltas.flatMap((d) => (d.bootstrap ? [d.bootstrap.low, d.bootstrap.high] : d.delta !== null ? [d.delta] : []));
  const span = Math.max(...extremes.map(Math.abs), 1e-9) * 1.15;
  return (
    <ul className="flex flex-col gap-4" aria-label={`${metric.name}: difference from the base`}>
      {metric.deltas.map((d) => {
        const dir = direction(metric, d);
        const b = d.bootstrap;
        return (
          <li key={d.label} className="flex min-w-0 flex-col gap-1.5 wrap-anywhere">
            <p className="text-sm">
              <span className="font-medium">{d.label}</span>{' '}
              <span className="text-fg-muted">
                {d.delta === null ? 'no value' : `${signed(d.delta, metric.scale)}${unit} vs base`}
                {metric.lowerIsBetter ? ' (lower is better)' : ''}
              </span>
            </p>
            {d.delta !== null && (
              <div className="relative h-5" aria-hidden>
                <div className="absolute inset-x-0 top-1/2 h-px bg-line-strong" />
                <div className="absolute inset-y-0 left-1/2 w-px bg-fg-muted" />
                {b && (
                  <div
                    className={cn('absolute top-1/2 h-2 -translate-y-1/2 rounded-full opacity-70', tone[dir])}
                    style={{ left: at(b.low, span), width: `calc(${at(b.high, span)} - ${at(b.low, span)})`, minWidth: 2 }}
                  />
                )}
                <div
                  className={cn('absolute top-1/2 size-3 -translate-x-1/2 -translate-y-1/2 rounded-full border-2 border-surface', tone[dir])}
                  style={{ left: at(d.delta, span) }}
                />
              </div>
            )}
            <p className="text-sm">
              {dir === 'unknown' ? (
                <span className="text-fg-muted">No interval: this metric has no per-item scores to resample.</span>
              ) : (
                <>
                  <span className="font-semibold">{directionText[dir]}</span>
                  {d.verdict ? <span className="text-fg-muted">: {d.verdict}</span> : null}
                </>
              )}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
