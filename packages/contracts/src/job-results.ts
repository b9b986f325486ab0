/**
 * What each job type leaves as its result (`Job.result`). The worker checks what it returns
 * against its type's schema before sending it, and the server reads results through
 * `jobResult`, so neither side casts an `unknown`. The API still shows `result` as any JSON:
 * rows stored by older versions may not match, and readers treat those as no result.
 */
import { z } from 'zod';
import type { JobType } from './jobs.js';
import { systemCheckResultSchema } from './system.js';

/** One optimizer step of a fine-tune. */
const trainStepSchema = z.object({ step: z.number(), loss: z.number(), learningRate: z.number(), gradNorm: z.number(), tokens: z.number() });
/** One evaluation pass on the held-out records. */
const trainEvalSchema = z.object({ step: z.number(), loss: z.number(), perplexity: z.number() });

/** A fine-tune: where the adapter went, the loss history, and what the data became. Mirrors the engine's `TrainLoraResult`. */
export const trainJobResultSchema = z.object({
  outputDir: z.string(),
  steps: z.number(),
  totalSteps: z.number(),
  history: z.array(trainStepSchema),
  evals: z.array(trainEvalSchema),
  finalEval: trainEvalSchema.nullable(),
  stoppedEarly: z.boolean(),
  data: z.object({
    examples: z.number(),
    kept: z.number(),
    truncated: z.number(),
    dropped: z.number(),
    tokens: z.number(),
    trainedTokens: z.number(),
    rows: z.number(),
    lengths: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }),
  }),
});
export type TrainJobResult = z.infer<typeof trainJobResultSchema>;

/** A model download: the folder it arrived in, and the Hub repo it came from. */
export const downloadModelResultSchema = z.object({ dir: z.string(), repo: z.string() });
export type DownloadModelResult = z.infer<typeof downloadModelResultSchema>;

/** A Hub dataset import: the data file it downloaded, and the Hub repo it came from. */
export const importDatasetResultSchema = z.object({ file: z.string(), repo: z.string() });
export type ImportDatasetResult = z.infer<typeof importDatasetResultSchema>;

/** The result schema of each job type. */
export const jobResultSchemas = {
  'system-check': systemCheckResultSchema,
  train: trainJobResultSchema,
  'download-model': downloadModelResultSchema,
  'import-dataset': importDatasetResultSchema,
} as const satisfies Record<JobType, z.ZodType>;
export type JobResults = { [T in JobType]: z.infer<(typeof jobResultSchemas)[T]> };

/**
 * A job's result as its type's schema reads it; null when the job is of another type, has no
 * result (yet), or holds one that does not match (a row stored by an older version).
 */
export function jobResult<T extends JobType>(job: { type: JobType; result: unknown } | null | undefined, type: T): JobResults[T] | null {
  if (!job || job.type !== type || job.result === null || job.result === undefined) return null;
  const parsed = jobResultSchemas[type].safeParse(job.result);
  return parsed.success ? (parsed.data as JobResults[T]) : null;
}
