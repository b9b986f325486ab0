import type { EvaluationComparison } from '@qlora-studio/contracts';
import { CheckCircle2, HelpCircle, MinusCircle, XCircle } from 'lucide-react';
import { useCallback, useId } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { cn } from '../../../../lib/cn';
import { direction, headline, headlineMetric, scaled, type Direction } from '../verdict';
import { DeltaRanges } from './delta-ranges';
import { BarsChart } from './lazy-charts';

type Metric = EvaluationComparison['metrics'][number];

const icons: Record<Direction, { icon: typeof CheckCircle2; className: string }> = {
  helped: { icon: CheckCircle2, className: 'text-success-text' },
  hurt: { icon: XCircle, className: 'text-danger-text' },
  unclear: { icon: MinusCircle, className: 'text-fg-muted' },
  unknown: { icon: HelpCircle, className: 'text-fg-muted' },
};

/** The headline of the page: for each compared model, did it beat the base on the main metric, by how much, how sure. */
export function VerdictSummary({ comparison }: { comparison: EvaluationComparison }) {
  const metric = headlineMetric(comparison);
  const base = comparison.models[0]!;
  const titleId = useId();
  if (!metric) return null;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div>
          <CardTitle id={titleId}>Did it help?</CardTitle>
          <CardDescription className="wrap-anywhere">
            Each model against the base, <span className="font-medium text-fg">{base.label}</span>, on {metric.name} over {comparison.benchmark.items} items of{' '}
            {comparison.benchmark.name}, with a {Math.round(comparison.bootstrap.confidence * 100)}% paired bootstrap interval ({comparison.bootstrap.resamples}{' '}
            resamples, seed {comparison.bootstrap.seed}).
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <ul className="flex flex-col gap-3">
          {metric.deltas.map((d) => {
            const dir = direction(metric, d);
            const { icon: Icon, className } = icons[dir];
            return (
              <li key={d.label} className="flex gap-3">
                <Icon className={cn('mt-0.5 size-5 shrink-0', className)} aria-hidden />
                <p className="min-w-0 wrap-anywhere">
                  <span className="font-semibold">{d.label}</span> — {headline(metric, d)}
                </p>
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}

/** What each model is and how its numbers were computed (the quant and kernels matter to the scores). */
export function ModelsTable({ comparison }: { comparison: EvaluationComparison }) {
  return (
    <div role="region" aria-label="Models compared" tabIndex={0} className="relative overflow-x-auto rounded-lg focus-visible:outline-2">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Models compared, the base first, with the weights and kernels each was evaluated with</caption>
        <thead className="text-fg-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">
              Model
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Role
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Weights
            </th>
            <th scope="col" className="py-2 font-medium">
              Kernels
            </th>
          </tr>
        </thead>
        <tbody>
          {comparison.models.map((m, i) => (
            <tr key={m.label} className="border-t border-line">
              <th scope="row" className="py-2 pr-4 font-medium">
                {m.label}
              </th>
              <td className="py-2 pr-4">{i === 0 ? 'Base' : 'Compared'}</td>
              <td className="py-2 pr-4">{m.quant === 'none' ? 'float32' : m.quant}</td>
              <td className="py-2">{m.kernels}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The metric's values as a table: the text alternative of its chart. */
function ValuesTable({ metric, labels, id }: { metric: Metric; labels: string[]; id: string }) {
  const unit = metric.unit ? ` (${metric.unit})` : '';
  return (
    // The box that hides it is a div: a table ignores width and overflow, and would widen the page.
    <div id={id} className="sr-only">
      <table>
        <caption>
          {metric.name} per model{unit}
          {metric.lowerIsBetter ? ', lower is better' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{scaled(metric.values[i] ?? null, metric.scale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One metric: a bar per model (the base first), then each model's difference with its interval and verdict. */
function MetricCard({ metric, labels }: { metric: Metric; labels: string[] }) {
  const tableId = useId();
  const format = useCallback((v: number) => v.toFixed(metric.scale === 1 ? 3 : 1), [metric.scale]);
  const values = metric.values.map((v) => (v === null ? null : v * metric.scale));
  const description = `${metric.name} per model: ${labels.map((l, i) => `${l} ${values[i] === null ? 'no value' : format(values[i]!)}`).join(', ')}${metric.unit ? ` ${metric.unit}` : ''}.`;
  // Scores in points run 0–100; every bar starts at zero, so heights compare honestly.
  const points = metric.unit === 'points';
  return (
    <Card aria-label={`Metric ${metric.name}`} className="min-w-0">
      <CardHeader>
        <div>
          <CardTitle as="h3">{metric.name}</CardTitle>
          <CardDescription>
            {metric.unit ? `In ${metric.unit}` : 'As reported'}
            {metric.lowerIsBetter ? '; lower is better' : '; higher is better'}
            {metric.perItem ? '' : '; no per-item scores, so no interval'}.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        <div aria-describedby={tableId}>
          <BarsChart
            labels={labels}
            series={[{ label: metric.name, values }]}
            colourBy="bar"
            unit={metric.unit}
            format={format}
            description={description}
            fromZero
            {...(points ? { max: 100 } : {})}
          />
        </div>
        <ValuesTable metric={metric} labels={labels} id={tableId} />
        <DeltaRanges metric={metric} />
      </CardContent>
    </Card>
  );
}

/** Every metric of the comparison, each as a chart and its differences. */
export function MetricsOverview({ comparison }: { comparison: EvaluationComparison }) {
  const labels = comparison.models.map((m) => m.label);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {comparison.metrics.map((metric) => (
        <MetricCard key={metric.name} metric={metric} labels={labels} />
      ))}
    </div>
  );
}
