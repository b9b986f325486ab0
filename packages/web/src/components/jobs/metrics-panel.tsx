import { Sparkline } from '../ui/sparkline';
import { formatNumber } from '../../lib/format';
import type { MetricPoint } from '../../lib/jobs/job-stream';

/** Latest value and a sparkline for each metric a job reports. */
export function MetricsPanel({ metrics }: { metrics: Record<string, MetricPoint[]> }) {
  const names = Object.keys(metrics).sort();
  if (!names.length) return <p className="text-sm text-fg-muted">This job has reported no metrics yet.</p>;
  return (
    <ul className="grid gap-3 sm:grid-cols-2">
      {names.map((name) => {
        const points = metrics[name]!;
        const last = points[points.length - 1]!;
        const values = points.map((p) => p.value);
        return (
          <li key={name} className="rounded-lg border border-line p-3 hc:border-line-strong">
            <div className="flex items-baseline justify-between gap-2">
              <span className="truncate text-sm text-fg-muted">{name}</span>
              <span className="font-semibold tabular-nums">{formatNumber(last.value, 3)}</span>
            </div>
            {points.length > 1 && (
              <Sparkline
                className="mt-2"
                values={values}
                label={`${name}: ${points.length} points, from ${formatNumber(values[0]!, 3)} to ${formatNumber(last.value, 3)}`}
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}
