import { z } from 'zod';
import { jobTitleSchema } from './job-titles.js';
import { promptTemplateSchema } from './prompt-templates.js';

/** queued → running → succeeded | failed | canceled | interrupted (queued may also be canceled). */
export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'interrupted'] as const;
export const jobStatusSchema = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const terminalJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled', 'interrupted'];

/** The only transitions the store accepts. */
export const jobTransitions: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'canceled', 'interrupted'],
  running: ['succeeded', 'failed', 'canceled', 'interrupted'],
  succeeded: [],
  failed: [],
  canceled: [],
  interrupted: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return jobTransitions[from].includes(to);
}

export function isTerminal(status: JobStatus): boolean {
  return terminalJobStatuses.includes(status);
}

// ---- job types and their configs ------------------------------------------------------------

export const systemCheckConfigSchema = z
  .object({
    benchmarkSeconds: z.number().min(0.2).max(30).default(2).describe('How long the matrix-multiply benchmark runs, per thread setting, in seconds.'),
    matrixSize: z.number().int().min(64).max(4096).default(1024).describe('Size N of the N×N×N fp32 MatMul the benchmark times.'),
  })
  .meta({ id: 'SystemCheckConfig' });
export type SystemCheckConfig = z.infer<typeof systemCheckConfigSchema>;

/**
 * A fine-tune: a registered base model, a stored dataset version, and the training settings.
 * Defaults are those of a typical QLoRA run; the Fine-tune page proposes better ones from the
 * model and dataset sizes. Ranges here are hard limits; the engine checks the rest (e.g. a
 * sequence length over the model's) before any work starts.
 */
export const trainJobConfigSchema = z
  .object({
    modelId: z.string().min(1, 'Choose a base model.').describe('The base model to adapt.'),
    datasetId: z.string().min(1, 'Choose a dataset.').describe('The training data.'),
    datasetVersion: z.number().int().positive().optional().describe('A stored version of the dataset (default: its newest).'),
    validation: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }),
        z.object({
          kind: z.literal('split'),
          ratio: z.number().min(0.01, 'Hold out at least 1%.').max(0.5, 'Hold out at most half.').default(0.1),
          seed: z.number().int().min(0).default(42),
        }),
        z.object({ kind: z.literal('dataset'), datasetId: z.string().min(1), datasetVersion: z.number().int().positive().optional() }),
      ])
      .default({ kind: 'none' })
      .describe('Validation data: none, a seeded split of the training data, or another dataset.'),
    method: z.enum(['qlora', 'lora']).default('qlora').describe('QLoRA keeps the frozen base in 4-bit NF4; LoRA keeps it in fp32.'),
    lora: z
      .object({
        r: z.number().int().min(1, 'LoRA rank must be at least 1.').max(512).default(16),
        alpha: z.number().positive().max(4096).default(32),
        dropout: z.number().min(0).lt(1, 'Dropout must be below 1.').default(0.05),
        targetModules: z.union([z.literal('all-linear'), z.array(z.string().min(1)).min(1)]).default('all-linear'),
        useRslora: z.boolean().default(false),
      })
      .prefault({}),
    epochs: z.number().int().min(1).max(1000).default(1),
    maxSteps: z.number().int().min(1).optional().describe('Optimizer steps in all; wins over epochs.'),
    learningRate: z.number().positive().max(1).default(2e-4),
    optimizer: z.enum(['adamw', 'sgd']).default('adamw'),
    weightDecay: z.number().min(0).max(1).default(0),
    scheduler: z.enum(['constant', 'linear', 'cosine']).default('linear'),
    warmupSteps: z.number().int().min(0).default(0),
    maxGradNorm: z.number().min(0).default(1),
    batchSize: z.number().int().min(1).max(256).default(1),
    gradAccum: z.number().int().min(1).max(1024).default(1),
    seqLen: z.number().int().min(8).max(131072).default(512),
    seed: z.number().int().min(0).default(42),
    evalEvery: z.number().int().min(1).optional(),
    checkpointEvery: z.number().int().min(1).optional(),
    earlyStoppingPatience: z.number().int().min(1).optional(),
    trainOn: z.enum(['completions', 'all']).default('completions'),
    packing: z.boolean().default(false),
    promptTemplate: promptTemplateSchema
      .optional()
      .describe(
        'How chat and question/answer records are written out for the model: its own chat template (default), or a named or custom prompt template (needed for a base model without one).',
      ),
  })
  .meta({ id: 'TrainJobConfig' });
export type TrainJobConfig = z.infer<typeof trainJobConfigSchema>;
export type TrainJobConfigInput = z.input<typeof trainJobConfigSchema>;

// ---- evaluation (#14): one model on one benchmark version; benchmarks are in evaluation.ts ----

export const evalQuantSchema = z.enum(['nf4', 'none']).describe('nf4: the base in 4-bit NF4 as QLoRA trains it; none: float32 weights.');
export const evalKernelsSchema = z
  .enum(['exact', 'fast'])
  .describe('nf4 only. exact: the bitsandbytes NF4 math (MatMulBnb4); fast: int8 kernels built from the NF4 weights.');

/** One model to evaluate: a base model, alone or with an adapter. */
export const evaluateAdapterRefSchema = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .describe("A fine-tune job id (its adapter), or an adapter or checkpoint folder inside the workspace's adapters.");

/** An `evaluate` job: one model (with an adapter or not) on one benchmark version. */
export const evaluateJobConfigSchema = z
  .object({
    benchmarkId: z.string().min(1, 'Choose a benchmark.'),
    benchmarkVersion: z.number().int().positive().optional().describe('A version of the benchmark (default: its newest).'),
    modelId: z.string().min(1, 'Choose a base model.'),
    adapter: evaluateAdapterRefSchema.optional(),
    quant: evalQuantSchema.default('nf4'),
    kernels: evalKernelsSchema.default('fast'),
    limit: z.number().int().min(1, 'Evaluate at least 1 item.').optional().describe('Evaluate only the first N items.'),
    /** The batch it was launched in (set by the server). */
    batchId: z.string().optional(),
  })
  .meta({ id: 'EvaluateJobConfig' });
export type EvaluateJobConfig = z.infer<typeof evaluateJobConfigSchema>;
export type EvaluateJobConfigInput = z.input<typeof evaluateJobConfigSchema>;

/** A Hub repo id, owner/name, with no part starting with "." (so never a path like ../x). */
function hubRepoId(example: string, kind: string) {
  const message = `Give a Hub ${kind} id as owner/name, e.g. ${example}.`;
  return z
    .string()
    .trim()
    .regex(/^[\w.-]+\/[\w.-]+$/, message)
    .refine((id) => id.split('/').every((part) => !part.startsWith('.')), message);
}

/** Download a model from the Hugging Face Hub into the workspace; it is registered when done. */
export const downloadModelConfigSchema = z
  .object({
    repo: hubRepoId('HuggingFaceTB/SmolLM2-135M-Instruct', 'model'),
    revision: z.string().trim().min(1).default('main'),
    name: z.string().trim().min(1).max(120).optional(),
  })
  .meta({ id: 'DownloadModelConfig' });
export type DownloadModelConfig = z.infer<typeof downloadModelConfigSchema>;

/** Import one data file of a Hugging Face Hub dataset repo; it is stored as a dataset when done. */
export const importHubDatasetConfigSchema = z
  .object({
    repo: hubRepoId('tatsu-lab/alpaca', 'dataset'),
    /** The data file in the repo; default its only one. */
    file: z.string().trim().min(1).optional(),
    revision: z.string().trim().min(1).default('main'),
    name: z.string().trim().min(1).max(120).optional(),
  })
  .meta({ id: 'ImportHubDatasetConfig' });
export type ImportHubDatasetConfig = z.infer<typeof importHubDatasetConfigSchema>;

const jobTitleField = jobTitleSchema.optional().describe('The job\'s name; default: from what it runs (a fine-tune: "model · dataset vN · QLoRA rN").');

/** What a client sends to start a job: a type and that type's config, and optionally its name. */
export const createJobBodySchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('system-check'),
      config: systemCheckConfigSchema.prefault({}),
      title: jobTitleField,
    }),
    z.object({
      type: z.literal('train'),
      config: trainJobConfigSchema,
      title: jobTitleField,
    }),
    z.object({
      type: z.literal('download-model'),
      config: downloadModelConfigSchema,
      title: jobTitleField,
    }),
    z.object({
      type: z.literal('import-dataset'),
      config: importHubDatasetConfigSchema,
      title: jobTitleField,
    }),
    z.object({
      type: z.literal('evaluate'),
      config: evaluateJobConfigSchema,
      title: jobTitleField,
    }),
  ])
  .meta({ id: 'CreateJobBody' });
export type CreateJobBody = z.infer<typeof createJobBodySchema>;
export type JobType = CreateJobBody['type'];
export const jobTypes = ['system-check', 'train', 'download-model', 'import-dataset', 'evaluate'] as const satisfies readonly JobType[];
export const jobTypeSchema = z.enum(jobTypes);

export const jobTypeLabels: Record<JobType, string> = {
  'system-check': 'System check',
  train: 'Fine-tune',
  'download-model': 'Model download',
  'import-dataset': 'Dataset import from the Hub',
  evaluate: 'Evaluation',
};

// ---- the job as the API shows it -------------------------------------------------------------

export const jobProgressSchema = z
  .object({
    step: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    message: z.string().optional(),
  })
  .meta({ id: 'JobProgress' });
export type JobProgress = z.infer<typeof jobProgressSchema>;

/** Why a job failed, in plain words, and what to try. */
export const jobErrorSchema = z
  .object({
    message: z.string(),
    hint: z.string().nullable(),
  })
  .meta({ id: 'JobError' });
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobSchema = z
  .object({
    id: z.string(),
    type: jobTypeSchema,
    title: z.string(),
    status: jobStatusSchema,
    config: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    cancelRequestedAt: z.string().nullable(),
    progress: jobProgressSchema.nullable(),
    error: jobErrorSchema.nullable(),
    result: z.unknown().nullable(),
    /** The job this one retried or resumed (lineage), or null. */
    parentId: z.string().nullable(),
    /** A fine-tune's newest checkpoint: what Resume would continue from (null when none was saved). */
    latestCheckpoint: z.object({ step: z.number().int().positive(), path: z.string() }).nullable(),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof jobSchema>;

export const jobIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const listJobsQuerySchema = z.object({
  status: jobStatusSchema.optional(),
  type: jobTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;

export const jobListSchema = z.object({ jobs: z.array(jobSchema) }).meta({ id: 'JobList' });
export type JobList = z.infer<typeof jobListSchema>;

export const metricPointSchema = z.object({ step: z.number(), value: z.number(), at: z.string() });
export const metricSeriesSchema = z.object({ name: z.string(), points: z.array(metricPointSchema) });
export const jobMetricsSchema = z.object({ series: z.array(metricSeriesSchema) }).meta({ id: 'JobMetrics' });
export type JobMetrics = z.infer<typeof jobMetricsSchema>;

/**
 * Metric names every job may carry besides its own (a fine-tune's are `trainingMetrics`, the
 * system check's `systemCheckMetricNames`, both in metrics.ts): the job process's CPU
 * use (% of one core) and resident memory, and the bytes its outputs take on disk, sampled
 * while it runs, by seconds since it started.
 */
export const processMetricNames = { cpuPercent: 'process_cpu_percent', rssBytes: 'process_rss_bytes', outputBytes: 'output_bytes' } as const;

// ---- estimates before launch -----------------------------------------------------------------

/**
 * How long a fine-tune will take, as a range. 'measured': from training steps of this model's
 * shape and these settings timed on this machine, times the run's steps, plus setup and
 * evaluations. 'rough': from the FLOPs a step computes and the machine's matrix-multiply rate;
 * small models spend most of their time in per-step overhead and can take many times longer.
 */
export const trainingTimeSchema = z
  .object({
    basis: z.enum(['measured', 'rough']),
    /** The most likely time, within [lowSeconds, highSeconds]. */
    seconds: z.number().nonnegative(),
    lowSeconds: z.number().nonnegative(),
    highSeconds: z.number().nonnegative(),
    /** Seconds per optimizer step the range is built on. */
    secondsPerStep: z.number().nonnegative(),
    steps: z.number().int().nonnegative(),
    /** When this machine's speed was measured (basis 'measured'), ISO 8601. */
    measuredAt: z.string().nullable(),
  })
  .meta({ id: 'TrainingTime' });
export type TrainingTime = z.infer<typeof trainingTimeSchema>;

/**
 * Measuring this machine's training speed for a model shape and settings: a few real training
 * steps in a separate process, done once and remembered. 'measuring' comes with what it is
 * doing now (ask again for the result); 'unavailable' with why it cannot measure (the time is
 * then rough).
 */
export const trainingCalibrationStatusSchema = z
  .object({
    state: z.enum(['measured', 'measuring', 'unavailable']),
    /** What the measurement does now ('measuring'), or why there is none ('unavailable'). */
    message: z.string().nullable(),
    /** How far the measurement got, 0–1 ('measuring'). */
    fraction: z.number().min(0).max(1).nullable(),
    /** The measurement was taken while a fine-tune or other programs kept the machine busy: the run may be faster. It is taken again when the machine is quieter. */
    measuredWhileBusy: z.boolean(),
  })
  .meta({ id: 'TrainingCalibrationStatus' });
export type TrainingCalibrationStatus = z.infer<typeof trainingCalibrationStatusSchema>;

/** The time estimate a fine-tune was launched with: kept in its config as `resolved.estimate`. */
export const launchEstimateSchema = trainingTimeSchema.extend({ estimatedAt: z.string() }).meta({ id: 'LaunchEstimate' });
export type LaunchEstimate = z.infer<typeof launchEstimateSchema>;

export const trainingEstimateSchema = z
  .object({
    /** Training records after the validation split, and optimizer steps. */
    records: z.number().int().nonnegative(),
    steps: z.number().int().nonnegative(),
    tokensPerStep: z.number().nonnegative(),
    totalTokens: z.number().nonnegative(),
    /** Training time: `time.seconds` (kept for older clients). */
    seconds: z.number().nonnegative(),
    time: trainingTimeSchema,
    calibration: trainingCalibrationStatusSchema,
    tokensPerSecond: z.number().nonnegative(),
    peakMemoryBytes: z.number().nonnegative(),
    memory: z
      .record(z.string(), z.number().nonnegative())
      .describe('Bytes by part: frozen weights, embeddings, LoRA and optimizer, activations, head, runtime.'),
    savedActivations: z.boolean(),
    machine: z.object({
      memoryTotalBytes: z.number().nonnegative(),
      memoryAvailableBytes: z.number().nonnegative(),
      gemmGflops: z.number().positive(),
      /** 'system-check': measured by the last system check; 'assumed': none has run yet. */
      gemmSource: z.enum(['system-check', 'assumed']),
    }),
    /** What may go wrong, each with a concrete fix. */
    warnings: z.array(z.object({ level: z.enum(['warning', 'danger']), message: z.string(), fix: z.string() })),
  })
  .meta({ id: 'TrainingEstimate' });
export type TrainingEstimate = z.infer<typeof trainingEstimateSchema>;
