/**
 * Comparing models on one benchmark (issue #14, results dashboard): each model's value per
 * metric, and for every model against the first one (the base) the delta with a seeded 95%
 * paired bootstrap interval, how many items got better or worse, a plain-words verdict, and the
 * per-example rows classified won / lost / both right / both wrong.
 *
 * Pure: the inputs are `qlora eval --json` results (EvalResult) and the benchmark's items; the
 * same inputs and seed always give the same comparison.
 */
import { pairedBootstrap, tokenF1, verdictText, type BootstrapResult, type EvalResult } from '@qlora-studio/engine';

/** The benchmark's tasks that produce EvalResults here (the judge task has no per-item result yet). */
export type ComparisonTask = 'multiple-choice' | 'generate' | 'loss' | 'judge';

/** One item of the benchmark, as the model saw it. */
export interface BenchmarkItem {
  /** The rendered prompt. */
  prompt: string;
  /** The reference answer (the correct choice's text, or the reference output). */
  reference: string;
}

/** The benchmark the models were scored on. */
export interface ComparisonBenchmark {
  name: string;
  task: ComparisonTask;
  /** The benchmark's version, when it is versioned; recorded in the report. */
  version?: number | string;
  items: BenchmarkItem[];
}

/** What produced one model's result: recorded in every report so a number can be reproduced. */
export interface ModelRunSettings {
  /** e.g. "nf4" or "none". */
  quant: string;
  /** e.g. "exact" or "fast". */
  kernels: string;
  /** Anything else worth recording: model id, adapter path, max new tokens, seed… */
  settings?: Record<string, unknown>;
}

/** One model's result on the benchmark. */
export interface ModelResult extends ModelRunSettings {
  /** e.g. "base" or "base + adapter step 200". */
  label: string;
  result: EvalResult;
}

export interface CompareOptions {
  /** Bootstrap resamples; default 1000. */
  resamples?: number;
  /** Interval coverage; default 0.95. */
  confidence?: number;
  /** Bootstrap seed; default 12345, so a comparison is repeatable. */
  seed?: number;
}

/** How a metric is scored per item, and how to print its deltas. */
interface PerItemMetric {
  /** Per-item scores of one model's result, or undefined when the result lacks what it needs. */
  scores: (result: EvalResult) => number[] | undefined;
  /** True when a lower value is better (losses). */
  lowerIsBetter: boolean;
  /** Unit of the verdict line, and the factor from the score to that unit. */
  unit: string;
  scale: number;
  digits: number;
}

/** One model against the base on one metric. */
export interface MetricDelta {
  /** The model's label. */
  label: string;
  /** value(model) − value(base) on the metric's own scale (for a per-item metric, the mean of per-item differences). */
  delta: number;
  /** The bootstrap, when the metric has per-item scores: interval, better / worse / ties (in the metric's good direction). */
  bootstrap?: BootstrapResult;
  /** The plain-words line, e.g. "better on 62 items, worse on 40, 95% CI +1.2 to +6.8 points". */
  verdict?: string;
}

/** One metric across the models. */
export interface MetricComparison {
  name: string;
  /** Each model's value, in the order of the models (undefined when its result lacks the metric). */
  values: (number | undefined)[];
  /** True when lower is better. */
  lowerIsBetter: boolean;
  /** True when the metric has per-item scores (and so intervals and verdicts). */
  perItem: boolean;
  /** Unit and scale of the deltas as the verdicts print them. */
  unit: string;
  scale: number;
  /** Every model after the first, against the first. */
  deltas: MetricDelta[];
}

/** How a model did on an item against the base, by correctness. */
export type ExampleOutcome = 'won' | 'lost' | 'both right' | 'both wrong';

/** One model's side of an example. */
export interface ExampleModelCell {
  label: string;
  prediction: string;
  correct: boolean;
  /** Generation's raw output. */
  output?: string;
  /** Multiple choice: each choice's log-likelihood. */
  choices?: { text: string; logprob: number }[];
  /** The per-item scores by metric name (e.g. accuracy 1, f1 0.5, item_loss 1.9). */
  scores: Record<string, number>;
  /** Against the base; absent for the base itself. */
  outcome?: ExampleOutcome;
}

/** One benchmark item with every model's answer. */
export interface ExampleRow {
  index: number;
  prompt: string;
  reference: string;
  models: ExampleModelCell[];
}

export interface Comparison {
  benchmark: { name: string; task: ComparisonTask; version?: number | string; items: number };
  /** The models in order; the first is the base. */
  models: { label: string; quant: string; kernels: string; settings: Record<string, unknown> }[];
  metrics: MetricComparison[];
  examples: ExampleRow[];
  /** The bootstrap's settings, so the intervals can be reproduced. */
  bootstrap: { resamples: number; confidence: number; seed: number };
}

/** Correct (1) or not (0) per item: accuracy for multiple choice, exact match for generation. */
const correctness = (result: EvalResult): number[] => result.items.map((item) => (item.correct ? 1 : 0));

/** 0–1 scores, shown as points (×100). */
const POINTS = { lowerIsBetter: false, unit: 'points', scale: 100, digits: 1 } as const;

/** The metrics that have per-item scores, by task. Every other metric of a result is shown by value only. */
const PER_ITEM_METRICS: Record<ComparisonTask, Record<string, PerItemMetric>> = {
  'multiple-choice': { accuracy: { ...POINTS, scores: correctness } },
  generate: {
    exact_match: { ...POINTS, scores: correctness },
    // SQuAD token F1 of the extracted answer, as the engine averages it into `f1`.
    f1: { ...POINTS, scores: (result) => result.items.map((item) => tokenF1(item.prediction, item.target)) },
  },
  loss: {
    // Mean −log p per token of each item's reference. Its mean over items weighs items equally,
    // unlike `loss`, which weighs tokens equally; hence its own name.
    item_loss: { lowerIsBetter: true, unit: 'nats/token', scale: 1, digits: 3, scores: itemLosses },
  },
  // Pass (score at or above the benchmark's pass mark) per item; the judge's mean score is shown by value.
  judge: { judge_pass: { ...POINTS, scores: correctness } },
};

/**
 * How metrics without per-item scores are shown: fractions as points like the per-item ones,
 * sacreBLEU's scores (already 0–100) as points, the judge's mean score out of 10.
 */
const VALUE_ONLY_METRICS: Record<string, Pick<PerItemMetric, 'lowerIsBetter' | 'unit' | 'scale'>> = {
  accuracy_norm: POINTS,
  rouge_l: POINTS,
  bleu: { lowerIsBetter: false, unit: 'points', scale: 1 },
  chrf: { lowerIsBetter: false, unit: 'points', scale: 1 },
  judge_score: { lowerIsBetter: false, unit: 'of 10', scale: 1 },
  loss: { lowerIsBetter: true, unit: 'nats/token', scale: 1 },
  perplexity: { lowerIsBetter: true, unit: '', scale: 1 },
};

/** −log p per token of each item, or undefined when a result does not record them. */
function itemLosses(result: EvalResult): number[] | undefined {
  const losses: number[] = [];
  for (const item of result.items) {
    if (item.nll === undefined || !item.tokens) return undefined;
    losses.push(item.nll / item.tokens);
  }
  return losses;
}

/** Throws unless every result scored every item of the benchmark, in order. */
function checkInputs(benchmark: ComparisonBenchmark, models: readonly ModelResult[]): void {
  if (models.length < 2) throw new Error('A comparison needs at least two models: the base and one to compare with it.');
  if (benchmark.items.length === 0) throw new Error(`The benchmark "${benchmark.name}" has no items.`);
  for (const model of models) {
    const items = model.result.items;
    if (items.length !== benchmark.items.length)
      throw new Error(`"${model.label}" has results for ${items.length} items; the benchmark "${benchmark.name}" has ${benchmark.items.length}.`);
    items.forEach((item, i) => {
      if (item.index !== i) throw new Error(`"${model.label}": result ${i} is for item ${item.index}; results must be in the benchmark's order.`);
    });
  }
}

/** The metric names to show: those of the per-item table first, then the rest as the results list them. */
function metricNames(task: ComparisonTask, models: readonly ModelResult[]): string[] {
  const names = new Set(Object.keys(PER_ITEM_METRICS[task]));
  for (const model of models) for (const name of Object.keys(model.result.metrics)) names.add(name);
  return [...names];
}

/**
 * The bootstrap of one model against the base on one per-item metric. better / worse count items
 * in the metric's good direction (a lower loss is "better"); the interval is of model − base.
 */
function compareScores(base: number[], model: number[], metric: PerItemMetric, options: CompareOptions): BootstrapResult {
  const result = pairedBootstrap(base, model, options);
  return metric.lowerIsBetter ? { ...result, better: result.worse, worse: result.better } : result;
}

/** One metric across the models: values, and deltas (with intervals where there are per-item scores). */
function compareMetric(name: string, task: ComparisonTask, models: readonly ModelResult[], options: CompareOptions): MetricComparison {
  const metric = PER_ITEM_METRICS[task][name];
  const scores = metric ? models.map((m) => metric.scores(m.result)) : [];
  const perItem = metric !== undefined && scores.every((s) => s !== undefined);
  const values = models.map((m, i) => (perItem && m.result.metrics[name] === undefined ? mean(scores[i]!) : m.result.metrics[name]));
  const deltas: MetricDelta[] = models.slice(1).map((model, k) => {
    const i = k + 1;
    if (perItem) {
      const bootstrap = compareScores(scores[0]!, scores[i]!, metric, options);
      return { label: model.label, delta: bootstrap.delta, bootstrap, verdict: verdictText(bootstrap, metric.unit, metric) };
    }
    return { label: model.label, delta: (values[i] ?? NaN) - (values[0] ?? NaN) };
  });
  const shown = metric ?? VALUE_ONLY_METRICS[name] ?? { lowerIsBetter: /loss|perplexity/.test(name), unit: '', scale: 1 };
  return { name, values, lowerIsBetter: shown.lowerIsBetter, perItem, unit: shown.unit, scale: shown.scale, deltas };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Won when only the model is right, lost when only the base is, else both right / both wrong. */
export function classifyOutcome(baseCorrect: boolean, modelCorrect: boolean): ExampleOutcome {
  if (modelCorrect && !baseCorrect) return 'won';
  if (baseCorrect && !modelCorrect) return 'lost';
  return modelCorrect ? 'both right' : 'both wrong';
}

/** The per-example rows: every model's answer to each item, and its outcome against the base. */
function exampleRows(benchmark: ComparisonBenchmark, models: readonly ModelResult[]): ExampleRow[] {
  // Per-item scores by model, computed once per metric rather than once per item.
  const perItem = Object.entries(PER_ITEM_METRICS[benchmark.task]).map(([name, metric]) => ({ name, scores: models.map((m) => metric.scores(m.result)) }));
  return benchmark.items.map((item, index) => {
    const base = models[0]!.result.items[index]!;
    const cells = models.map((model, m): ExampleModelCell => {
      const result = model.result.items[index]!;
      const scores: Record<string, number> = {};
      for (const metric of perItem) if (metric.scores[m]) scores[metric.name] = metric.scores[m][index]!;
      const cell: ExampleModelCell = { label: model.label, prediction: result.prediction, correct: result.correct, scores };
      if (result.output !== undefined) cell.output = result.output;
      if (result.choices) cell.choices = result.choices.map((c) => ({ text: c.text, logprob: c.logprob }));
      if (m > 0) cell.outcome = classifyOutcome(base.correct, result.correct);
      return cell;
    });
    return { index, prompt: item.prompt, reference: item.reference, models: cells };
  });
}

/**
 * Compares two or more models' results on one benchmark; the first model is the base every other
 * is compared with. Throws when the results do not cover the benchmark's items in order.
 */
export function compareModels(benchmark: ComparisonBenchmark, models: readonly ModelResult[], options: CompareOptions = {}): Comparison {
  checkInputs(benchmark, models);
  const bootstrap = { resamples: options.resamples ?? 1000, confidence: options.confidence ?? 0.95, seed: options.seed ?? 12345 };
  const metrics = metricNames(benchmark.task, models).map((name) => compareMetric(name, benchmark.task, models, bootstrap));
  return {
    benchmark: {
      name: benchmark.name,
      task: benchmark.task,
      ...(benchmark.version !== undefined ? { version: benchmark.version } : {}),
      items: benchmark.items.length,
    },
    models: models.map((m) => ({ label: m.label, quant: m.quant, kernels: m.kernels, settings: { ...m.settings } })),
    metrics,
    examples: exampleRows(benchmark, models),
    bootstrap,
  };
}

/** How many examples a model won and lost against the base (the "flips"), and how many both got right or wrong. */
export function outcomeCounts(comparison: Comparison, modelIndex: number): Record<ExampleOutcome, number> {
  const counts: Record<ExampleOutcome, number> = { won: 0, lost: 0, 'both right': 0, 'both wrong': 0 };
  for (const row of comparison.examples) {
    const outcome = row.models[modelIndex]?.outcome;
    if (outcome) counts[outcome]++;
  }
  return counts;
}
