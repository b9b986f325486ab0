/**
 * The metric names jobs report, catalogued so that a misspelt name is a type error rather
 * than a chart that stays empty. Each is stored as a series of (step, value) points
 * (contracts' `JobMetrics`); the process metrics every job carries are `processMetricNames`.
 */

/** What a fine-tune reports, by metric name: once per optimizer step, or per evaluation for eval_*. */
export const trainingMetrics = {
  loss: 'Training loss: mean cross-entropy per trained token over the optimizer step (all its micro-batches).',
  learning_rate: 'The learning rate the step used, after warmup and the schedule.',
  grad_norm: 'Global L2 norm of the gradients before clipping (not finite when the update was skipped).',
  tokens_per_second: 'Trained tokens of the step per second of its wall-clock time.',
  tokens: 'Trained tokens (those with a label) in the step.',
  elapsed: 'Seconds of training so far, counting those before a resume.',
  eval_loss: 'Validation loss: mean cross-entropy per trained token over the whole validation set.',
  eval_perplexity: 'exp(eval_loss).',
} as const;

/** A metric a fine-tune reports. */
export type TrainingMetricName = keyof typeof trainingMetrics;

/** Every training metric name, in the catalogue's order. */
export const trainingMetricNames = Object.keys(trainingMetrics) as TrainingMetricName[];

/** What the system check reports: its matrix-multiply speed (GFLOP/s), one point per thread setting. */
export const systemCheckMetricNames = { oneThread: 'gflops_1_thread', allThreads: 'gflops_all_threads' } as const;

/** A metric the system check reports. */
export type SystemCheckMetricName = (typeof systemCheckMetricNames)[keyof typeof systemCheckMetricNames];

/** A metric an engine job reports (the process metrics are the server's). */
export type JobMetricName = TrainingMetricName | SystemCheckMetricName;
