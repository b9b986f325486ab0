/**
 * What each job type leaves as its result (`Job.result`). The worker checks what it returns
 * against its type's schema before sending it, and the server reads results through
 * `jobResult`, so neither side casts an `unknown`. The API still shows `result` as any JSON:
 * rows stored by older versions may not match, and readers treat those as no result.
 */
import { z } from 'zod';
import {
  benchmarkFieldsSchema,
  benchmarkGenerationSchema,
  benchmarkJudgeSchema,
  benchmarkRowsSchema,
  benchmarkTaskSchema,
  benchmarkTemplateSchema,
} from './evaluation.js';
import { evalKernelsSchema, evalQuantSchema, type JobType } from './jobs.js';
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

/** One item of an evaluation, in the shape `qlora eval --json` prints (mirrors the engine's EvalResult items). */
export const evalItemResultSchema = z.object({
  index: z.number(),
  target: z.string(),
  prediction: z.string(),
  correct: z.boolean(),
  /** Multiple choice: each choice's summed log-probability after the prompt. */
  choices: z.array(z.object({ text: z.string(), logprob: z.number() })).optional(),
  /** Generate: the model's whole output. */
  output: z.string().optional(),
  /** Loss: Σ −log p of the reference, and its tokens. */
  nll: z.number().optional(),
  tokens: z.number().optional(),
  /** Judge: the judge model's score (1–10) of `output` and its reply. */
  judge: z.object({ score: z.number(), reply: z.string() }).optional(),
});
export type EvalItemResultData = z.infer<typeof evalItemResultSchema>;

/**
 * An evaluation: the metrics and items `qlora eval --json` prints, and everything that produced
 * them — the benchmark version and its dataset version, the model, the adapter, quant, kernels
 * and limit. `cached`: the same pair ran before (job `cachedFrom`) and its result was reused.
 */
export const evaluateJobResultSchema = z.object({
  metrics: z.record(z.string(), z.number()),
  items: z.array(evalItemResultSchema),
  benchmark: z.object({
    id: z.string(),
    name: z.string(),
    version: z.number(),
    task: benchmarkTaskSchema,
    datasetId: z.string(),
    datasetVersion: z.number(),
    fields: benchmarkFieldsSchema,
    template: benchmarkTemplateSchema,
    generation: benchmarkGenerationSchema.nullable(),
    /** Absent in results stored before benchmarks had row selections (all rows). */
    rows: benchmarkRowsSchema.optional(),
    /** judge only. */
    judge: benchmarkJudgeSchema.nullable().optional(),
  }),
  /** judge only: the endpoint and model that judged (never the API key). */
  judgedBy: z.object({ baseUrl: z.string(), model: z.string() }).nullable().optional(),
  model: z.object({ id: z.string(), name: z.string() }),
  adapter: z.object({ ref: z.string(), label: z.string(), path: z.string() }).nullable(),
  quant: evalQuantSchema,
  /** null with quant none (float32 weights have one kernel). */
  kernels: evalKernelsSchema.nullable(),
  limit: z.number().nullable(),
  /** Seconds the evaluation took (of the job that computed it, for a cached result). */
  seconds: z.number(),
  cached: z.boolean(),
  /** The job that computed a cached result. */
  cachedFrom: z.string().nullable(),
});
export type EvaluateJobResult = z.infer<typeof evaluateJobResultSchema>;

/** The result schema of each job type. */
export const jobResultSchemas = {
  'system-check': systemCheckResultSchema,
  train: trainJobResultSchema,
  'download-model': downloadModelResultSchema,
  'import-dataset': importDatasetResultSchema,
  evaluate: evaluateJobResultSchema,
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
