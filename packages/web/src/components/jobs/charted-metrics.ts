import type { TrainingMetricName } from '@qlora-studio/contracts';

/**
 * The training metrics the job page charts, by their names in contracts' catalogue (a misspelt
 * name does not compile). The others a fine-tune reports (tokens, elapsed, eval_perplexity) are
 * not drawn. Kept apart from job-charts.tsx, which is loaded lazily with Chart.js.
 */
export const chartedTrainingMetrics = ['loss', 'eval_loss', 'learning_rate', 'grad_norm', 'tokens_per_second'] as const satisfies readonly TrainingMetricName[];

export type ChartedTrainingMetric = (typeof chartedTrainingMetrics)[number];

/** Whether `name` is one of the charted training metrics. */
export const isChartedTrainingMetric = (name: string): boolean => (chartedTrainingMetrics as readonly string[]).includes(name);
