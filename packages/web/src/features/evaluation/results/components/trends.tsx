import type { EvaluationComparison, EvaluationSummary } from '@qlora-studio/contracts';
import { useCallback, useId, useMemo } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { modelLabel } from '../selection';
import { buildBenchmarkProfile, buildStepSeries, mainMetricByTask, mainValue, modelKey, trainingPointOf } from '../series';
import { ChartLegend } from './chart-legend';
import { BarsChart, ProfileRadar, StepChart } from './lazy-charts';

const pointsText = (v: number) => v.toFixed(1);

/**
 * The compared models on every benchmark all of them were evaluated on: a radar with three or
 * more benchmarks, a grouped bar chart with fewer (a radar of one or two axes is a line).
 */
export function BenchmarkProfile({ jobs, evaluations }: { jobs: EvaluationSummary[]; evaluations: EvaluationSummary[] }) {
  const titleId = useId();
  const tableId = useId();
  const models = useMemo(() => jobs.map((j) => ({ key: modelKey(j), label: modelLabel(j) })), [jobs]);
  // Two jobs of the same model (other quant) draw as one.
  const unique = useMemo(() => models.filter((m, i) => models.findIndex((o) => o.key === m.key) === i), [models]);
  const profile = useMemo(() => buildBenchmarkProfile(evaluations, unique), [evaluations, unique]);
  if (profile.benchmarks.length < 2 || unique.length < 2) return null;
  const axes = profile.benchmarks.map((b) => b.name);
  const radar = axes.length >= 3;
  const description = `Main metric, in points, per benchmark: ${profile.series.map((s) => `${s.label}: ${s.values.map((v, i) => `${axes[i]} ${pointsText(v)}`).join(', ')}`).join('; ')}.`;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div>
          <CardTitle id={titleId}>Across benchmarks</CardTitle>
          <CardDescription className="wrap-anywhere">
            Each model&rsquo;s main metric (accuracy, exact match or judge pass rate, in points) on the {axes.length} benchmarks every one of them was evaluated
            on; the newest run of each counts.
            {radar ? '' : ' Shown as bars: a radar needs at least three benchmarks.'}
            {profile.skippedLoss.length ? ` Loss benchmarks (${profile.skippedLoss.join(', ')}) are left out: nats cannot share an axis with points.` : ''}
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <ChartLegend items={profile.series.map((s, i) => ({ label: i === 0 ? `${s.label} (base)` : s.label, colourIndex: i, dashed: radar && i === 0 }))} />
        <div aria-describedby={tableId}>
          {radar ? (
            <ProfileRadar axes={axes} series={profile.series} description={description} />
          ) : (
            <BarsChart labels={axes} series={profile.series} colourBy="series" unit="points" format={pointsText} description={description} fromZero max={100} />
          )}
        </div>
        <div id={tableId} className="sr-only">
          <table>
            <caption>Main metric in points per benchmark and model</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                {axes.map((a) => (
                  <th key={a} scope="col">
                    {a}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {profile.series.map((s) => (
                <tr key={s.label}>
                  <th scope="row">{s.label}</th>
                  {s.values.map((v, i) => (
                    <td key={axes[i]}>{pointsText(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </CardContent>
    </Card>
  );
}

/** The main metric of one fine-tune's checkpoints against the training step, with the base as a level line. */
export function StepProgress({
  base,
  jobs,
  evaluations,
  comparison,
}: {
  base: EvaluationSummary;
  jobs: EvaluationSummary[];
  evaluations: EvaluationSummary[];
  comparison: EvaluationComparison;
}) {
  const titleId = useId();
  const tableId = useId();
  const main = mainMetricByTask[base.benchmark.task];
  const preferRun = jobs.map((j) => (j.adapter ? trainingPointOf(j.adapter)?.run : undefined)).find((r) => r !== undefined);
  const series = useMemo(() => buildStepSeries(evaluations, base, preferRun), [evaluations, base, preferRun]);
  const format = useCallback((v: number) => v.toFixed(main.scale === 1 ? 3 : 1), [main.scale]);
  if (!series) return null;
  const points = series.points.map((p) => ({ step: p.step, value: p.value * main.scale }));
  const baseRaw = mainValue(base);
  const baseValue = baseRaw === null ? null : baseRaw * main.scale;
  const runLabel = `Checkpoints of ${series.title || 'the fine-tune'}`;
  const baseLabel = comparison.models[0]?.label ?? modelLabel(base);
  const description = `${main.name} by training step: ${points.map((p) => `step ${p.step} ${format(p.value)}`).join(', ')}${baseValue === null ? '' : `; the base ${format(baseValue)}`}${main.unit ? ` ${main.unit}` : ''}.`;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div>
          <CardTitle id={titleId}>By training step</CardTitle>
          <CardDescription className="wrap-anywhere">
            {main.name} of each evaluated checkpoint of {series.title || 'the fine-tune'} (and its final adapter, when evaluated) on this benchmark version,
            against the base (dashed)
            {main.lowerIsBetter ? '; lower is better' : ''}.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <ChartLegend
          items={[{ label: runLabel, colourIndex: 1 }, ...(baseValue === null ? [] : [{ label: `${baseLabel} (base)`, colourIndex: 0, dashed: true }])]}
        />
        <div aria-describedby={tableId}>
          <StepChart
            points={points}
            baseValue={baseValue}
            baseLabel={baseLabel}
            runLabel={runLabel}
            unit={main.unit}
            format={format}
            description={description}
          />
        </div>
        <div id={tableId} className="sr-only">
          <table>
            <caption>
              {main.name} by training step{main.unit ? ` (${main.unit})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.step}>
                  <th scope="row">{p.step}</th>
                  <td>{format(p.value)}</td>
                </tr>
              ))}
              {baseValue !== null && (
                <tr>
                  <th scope="row">Base ({baseLabel})</th>
                  <td>{format(baseValue)}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </CardContent>
    </Card>
  );
}
