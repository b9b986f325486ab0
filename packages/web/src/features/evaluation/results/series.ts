import type { BenchmarkTask, EvaluationSummary } from '@qlora-studio/contracts';

/**
 * The one number each task is judged by: multiple-choice accuracy, generation exact match, the
 * judge's pass rate, held-out loss (lower is better; the others are 0–1 fractions, shown as points).
 */
export const mainMetricByTask: Record<BenchmarkTask, { name: string; lowerIsBetter: boolean; unit: string; scale: number }> = {
  'multiple-choice': { name: 'accuracy', lowerIsBetter: false, unit: 'points', scale: 100 },
  generate: { name: 'exact_match', lowerIsBetter: false, unit: 'points', scale: 100 },
  judge: { name: 'judge_pass', lowerIsBetter: false, unit: 'points', scale: 100 },
  loss: { name: 'loss', lowerIsBetter: true, unit: 'nats/token', scale: 1 },
};

/** An evaluation's main metric value (unscaled), or null when its result lacks it. */
export function mainValue(e: Pick<EvaluationSummary, 'benchmark' | 'metrics'>): number | null {
  const value = e.metrics?.[mainMetricByTask[e.benchmark.task].name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** One model across runs: the same base model with the same adapter (by label). */
export function modelKey(e: Pick<EvaluationSummary, 'model' | 'adapter'>): string {
  return `${e.model.id}\u0000${e.adapter?.label ?? ''}`;
}

const finished = (e: EvaluationSummary) => e.finishedAt ?? e.createdAt;

export interface BenchmarkProfile {
  /** Benchmarks every model has a result on, in the order first met. */
  benchmarks: { id: string; name: string }[];
  /** One per model, in the order given; values in points (0–100), aligned with `benchmarks`. */
  series: { label: string; values: number[] }[];
  /** Loss benchmarks left out: their scale (nats) cannot share an axis with points. */
  skippedLoss: string[];
}

/**
 * Each model's main metric on every benchmark all of them were evaluated on (the newest
 * succeeded run of each benchmark, any version), for the radar or, with fewer than three
 * benchmarks, a bar group.
 */
export function buildBenchmarkProfile(evaluations: readonly EvaluationSummary[], models: readonly { key: string; label: string }[]): BenchmarkProfile {
  const latest = new Map<string, EvaluationSummary>();
  const order: { id: string; name: string; task: BenchmarkTask }[] = [];
  const wanted = new Set(models.map((m) => m.key));
  for (const e of evaluations) {
    if (e.status !== 'succeeded' || !wanted.has(modelKey(e)) || mainValue(e) === null) continue;
    if (!order.some((b) => b.id === e.benchmark.id)) order.push({ id: e.benchmark.id, name: e.benchmark.name, task: e.benchmark.task });
    const key = `${modelKey(e)}\u0001${e.benchmark.id}`;
    const seen = latest.get(key);
    if (!seen || finished(e) > finished(seen)) latest.set(key, e);
  }
  const skippedLoss = order.filter((b) => b.task === 'loss').map((b) => b.name);
  const benchmarks = order.filter((b) => b.task !== 'loss' && models.every((m) => latest.has(`${m.key}\u0001${b.id}`)));
  return {
    benchmarks: benchmarks.map(({ id, name }) => ({ id, name })),
    series: models.map((m) => ({
      label: m.label,
      values: benchmarks.map((b) => mainValue(latest.get(`${m.key}\u0001${b.id}`)!)! * mainMetricByTask[b.task].scale),
    })),
    skippedLoss,
  };
}

/** `adapter_x/checkpoint-200` → { run: 'adapter_x', step: 200 }; null for anything else. */
export function checkpointOf(label: string): { run: string; step: number } | null {
  const match = /^(?:(.*)\/)?checkpoint-(\d+)$/.exec(label);
  return match ? { run: match[1] ?? '', step: Number(match[2]) } : null;
}

/**
 * Which fine-tune an evaluated adapter belongs to, and at which step: what the server recorded
 * (`adapter.fineTune`: checkpoints and the final adapter alike), else a `…/checkpoint-N` label
 * (jobs queued before the server recorded it).
 */
export function trainingPointOf(adapter: NonNullable<EvaluationSummary['adapter']>): { run: string; title: string; step: number } | null {
  const fineTune = adapter.fineTune;
  if (fineTune) return fineTune.step === null ? null : { run: fineTune.jobId, title: fineTune.title, step: fineTune.step };
  const checkpoint = checkpointOf(adapter.label);
  return checkpoint ? { run: checkpoint.run, title: checkpoint.run, step: checkpoint.step } : null;
}

export interface StepSeries {
  /** The fine-tune: its job id (or, for old jobs, the adapter folder the checkpoints were saved in). */
  run: string;
  /** How to name it: the fine-tune's title (or the folder). */
  title: string;
  /** Sorted by step; value unscaled. */
  points: { step: number; value: number; jobId: string }[];
}

/**
 * The checkpoints (and final adapter) of one fine-tune evaluated on the base's benchmark version
 * and limit with the base's model: each one's main metric by step. `preferRun` (a run in the
 * comparison) wins; otherwise the run with the most points. Null with fewer than two (no line).
 */
export function buildStepSeries(evaluations: readonly EvaluationSummary[], base: EvaluationSummary, preferRun?: string): StepSeries | null {
  const runs = new Map<string, { title: string; steps: Map<number, StepSeries['points'][number] & { at: string }> }>();
  for (const e of evaluations) {
    if (e.status !== 'succeeded' || e.model.id !== base.model.id || !e.adapter) continue;
    if (e.benchmark.id !== base.benchmark.id || e.benchmark.version !== base.benchmark.version || e.limit !== base.limit) continue;
    const point = trainingPointOf(e.adapter);
    const value = mainValue(e);
    if (!point || value === null) continue;
    const run = runs.get(point.run) ?? { title: point.title, steps: new Map() };
    const seen = run.steps.get(point.step);
    // The same step evaluated twice: the newest run counts.
    if (!seen || finished(e) > seen.at) run.steps.set(point.step, { step: point.step, value, jobId: e.jobId, at: finished(e) });
    runs.set(point.run, run);
  }
  const candidates = [...runs.entries()].filter(([, run]) => run.steps.size >= 2);
  if (!candidates.length) return null;
  const [id, chosen] = candidates.find(([run]) => run === preferRun) ?? candidates.sort((a, b) => b[1].steps.size - a[1].steps.size)[0]!;
  const points = [...chosen.steps.values()].map(({ step, value, jobId }) => ({ step, value, jobId })).sort((a, b) => a.step - b.step);
  return { run: id, title: chosen.title, points };
}
