import type { EvaluationComparison } from '@qlora-studio/contracts';

type Metric = EvaluationComparison['metrics'][number];
type Delta = Metric['deltas'][number];

export type Direction = 'helped' | 'hurt' | 'unclear' | 'unknown';

/** A signed number at a metric's scale: "+4.2", "-0.031", "0.0" (no "-0.0"). */
export function signed(value: number, scale: number, digits = scale === 1 ? 3 : 1): string {
  const text = (value * scale).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${text}` : text;
}

/** A value at a metric's scale: "62.5" points, "1.934" nats. */
export function scaled(value: number | null, scale: number): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return (value * scale).toFixed(scale === 1 ? 3 : 1);
}

/**
 * Did the model beat the base? Helped or hurt only when the whole 95% interval is on one side of
 * zero (in the metric's good direction); unclear when it spans zero; unknown without an interval.
 */
export function direction(metric: Pick<Metric, 'lowerIsBetter'>, delta: Delta): Direction {
  const b = delta.bootstrap;
  if (!b) return 'unknown';
  const good = metric.lowerIsBetter ? b.high < 0 : b.low > 0;
  const bad = metric.lowerIsBetter ? b.low > 0 : b.high < 0;
  return good ? 'helped' : bad ? 'hurt' : 'unclear';
}

export const directionText: Record<Direction, string> = {
  helped: 'Helped',
  hurt: 'Made it worse',
  unclear: 'No clear difference',
  unknown: 'Not measured per item',
};

/** The metric the page leads with: the first that has per-item scores (the task's main one), else the first. */
export function headlineMetric(comparison: EvaluationComparison): Metric | undefined {
  return comparison.metrics.find((m) => m.perItem) ?? comparison.metrics[0];
}

/**
 * One sentence per compared model: whether it helped, by how much, how sure, e.g.
 * "Helped: accuracy +4.0 points (95% CI +1.2 to +6.8), better on 62 items, worse on 40."
 */
export function headline(metric: Metric, delta: Delta): string {
  const dir = direction(metric, delta);
  const unit = metric.unit ? ` ${metric.unit}` : '';
  const b = delta.bootstrap;
  if (!b || delta.delta === null) {
    return delta.delta === null
      ? `${metric.name} is missing for one of the two models.`
      : `${directionText[dir]}: ${metric.name} ${signed(delta.delta, metric.scale)}${unit} (no per-item scores, so no interval).`;
  }
  const percent = Number((b.confidence * 100).toFixed(1));
  const ci = `${percent}% CI ${signed(b.low, metric.scale)} to ${signed(b.high, metric.scale)}`;
  const chance = dir === 'unclear' ? ' The interval includes zero: the difference could be chance.' : '';
  return `${directionText[dir]}: ${metric.name} ${signed(b.delta, metric.scale)}${unit} (${ci}) over ${b.n} item${b.n === 1 ? '' : 's'}: better on ${b.better}, worse on ${b.worse}.${chance}`;
}
