/**
 * Evaluation (#14): benchmarks — a stored dataset version read as a task (multiple choice,
 * generation, held-out loss) through a field mapping and a prompt template, versioned like
 * datasets — and batches of `evaluate` jobs (models × adapters × benchmarks) whose results are
 * cached by what produced them.
 */
import { z } from 'zod';
import { evalKernelsSchema, evalQuantSchema, evaluateAdapterRefSchema, jobSchema } from './jobs.js';

export const benchmarkTasks = ['multiple-choice', 'generate', 'loss', 'judge'] as const;
export const benchmarkTaskSchema = z.enum(benchmarkTasks).meta({ id: 'BenchmarkTask' });
export type BenchmarkTask = z.infer<typeof benchmarkTaskSchema>;

export const benchmarkTaskLabels: Record<BenchmarkTask, string> = {
  'multiple-choice': 'Multiple choice (log-likelihood)',
  generate: 'Generation (answer extracted and compared)',
  loss: 'Held-out loss and perplexity',
  judge: 'LLM as judge (a rubric, scored by another model)',
};

const fieldName = z.string().trim().min(1, 'Name the field (column) that holds this part of each row.').max(200);

/**
 * Which row fields hold what. `choices` (multiple choice only): one field holding a list, a JSON
 * list or letter-prefixed strings ("A)5"), or one field per choice.
 */
export const benchmarkFieldsSchema = z
  .object({
    question: fieldName,
    choices: z.union([fieldName, z.array(fieldName).min(2, 'Give at least two choice fields, or one field that holds the list.').max(26)]).optional(),
    answer: fieldName,
  })
  .meta({ id: 'BenchmarkFields' });
export type BenchmarkFields = z.infer<typeof benchmarkFieldsSchema>;

/** `{field}` placeholders are row fields; `{choice}` (multiple choice) or `{answer}` (generate, loss) in the continuation. */
export const benchmarkTemplateSchema = z
  .object({
    prompt: z.string().min(1, 'Write the prompt template, e.g. "Question: {question}\\nAnswer:".').max(20_000),
    continuation: z.string().max(2_000),
  })
  .meta({ id: 'BenchmarkTemplate' });
export type BenchmarkTemplate = z.infer<typeof benchmarkTemplateSchema>;

/** lm-evaluation-harness's default multiple-choice prompt (the engine's DEFAULT_MULTIPLE_CHOICE_TEMPLATE). */
export const defaultBenchmarkTemplates: Record<BenchmarkTask, BenchmarkTemplate> = {
  'multiple-choice': { prompt: 'Question: {question}\nAnswer:', continuation: ' {choice}' },
  generate: { prompt: 'Question: {question}\nAnswer:', continuation: ' {answer}' },
  loss: { prompt: 'Question: {question}\nAnswer:', continuation: ' {answer}' },
  judge: { prompt: 'Question: {question}\nAnswer:', continuation: ' {answer}' },
};

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** How the answer is taken from a generation and from the reference: a regex's first group, the last number, or the whole text. */
export const answerExtractorSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('regex'),
      pattern: z.string().min(1).max(500).refine(isRegex, 'The answer pattern is not a valid regular expression: fix it (e.g. "#### (-?[0-9.,]+)").'),
    }),
    z.object({ kind: z.literal('last-number') }),
    z.object({ kind: z.literal('whole') }),
  ])
  .meta({ id: 'AnswerExtractor' });
export type AnswerExtractorSetting = z.infer<typeof answerExtractorSchema>;

/** Sampling instead of greedy decoding: seeded, so a result can be reproduced. */
export const benchmarkSamplingSchema = z
  .object({
    temperature: z.number().gt(0, 'Temperature must be above 0 (leave sampling off for greedy decoding).').max(2, 'Keep the temperature at 2 or below.'),
    topP: z.number().gt(0).max(1, 'Top-p is a probability: at most 1.').default(1),
    seed: z.number().int().min(0).default(0),
  })
  .meta({ id: 'BenchmarkSampling' });
export type BenchmarkSampling = z.infer<typeof benchmarkSamplingSchema>;

/** Generation settings of a `generate` or `judge` benchmark (greedy unless `sampling` is set). */
export const benchmarkGenerationSchema = z
  .object({
    maxNewTokens: z.number().int().min(1, 'Generate at least 1 token.').max(4096, 'Generate at most 4096 tokens.').default(64),
    stop: z.array(z.string().min(1)).max(16, 'Give at most 16 stop strings.').default([]),
    extractor: answerExtractorSchema.default({ kind: 'whole' }),
    sampling: benchmarkSamplingSchema.optional().describe('Sample with this temperature, top-p and seed instead of greedy decoding.'),
  })
  .meta({ id: 'BenchmarkGeneration' });
export type BenchmarkGeneration = z.infer<typeof benchmarkGenerationSchema>;

/**
 * Which rows of the dataset version are items: all of them, or only those a fine-tune held out
 * for validation (`validation: {kind: 'split', ratio, seed}` in its config), computed the same
 * way, so a benchmark made from a fine-tune's validation split never scores its training rows.
 */
export const benchmarkRowsSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('all') }),
    z.object({
      kind: z.literal('held-out'),
      ratio: z.number().min(0.01, 'Hold out at least 1%.').max(0.5, 'Hold out at most half.'),
      seed: z.number().int().min(0),
      /** The fine-tune whose split this is (shown to the user; the split itself is ratio + seed). */
      jobId: z.string().min(1).optional(),
    }),
  ])
  .meta({ id: 'BenchmarkRows' });
export type BenchmarkRows = z.infer<typeof benchmarkRowsSchema>;

/** The judge's rubric; {question}, {reference} and {answer} are filled per item. */
export const DEFAULT_JUDGE_RUBRIC = [
  'You are grading an answer to a question. Compare the answer with the reference answer.',
  'Score it from 1 (wrong or unhelpful) to 10 (correct, complete and clear).',
  '',
  'Question: {question}',
  'Reference answer: {reference}',
  'Answer to grade: {answer}',
  '',
  'Reply with one short sentence of reasoning, then a last line of the form "Score: N".',
].join('\n');

/** LLM-as-judge settings: the rubric sent to the judge model and the score that counts as a pass. */
export const benchmarkJudgeSchema = z
  .object({
    rubric: z
      .string()
      .min(1, 'Write the rubric the judge follows.')
      .max(20_000)
      .refine((r) => r.includes('{answer}'), 'The rubric must show the judge the answer: put {answer} in it.')
      .default(DEFAULT_JUDGE_RUBRIC),
    /** A score at or above this is a pass (the per-item `correct`). */
    passMark: z.number().int().min(1).max(10).default(7),
  })
  .meta({ id: 'BenchmarkJudge' });
export type BenchmarkJudge = z.infer<typeof benchmarkJudgeSchema>;

/** What defines a benchmark version: the data, the task, the mapping, the template and (generate, judge) the generation settings. */
const benchmarkDefinitionShape = {
  datasetId: z.string().min(1, 'Choose the dataset the benchmark reads.'),
  datasetVersion: z.number().int().positive().optional().describe('A stored version of the dataset (default: its newest).'),
  rows: benchmarkRowsSchema.optional().describe('All rows (default), or the rows a fine-tune held out for validation.'),
  task: benchmarkTaskSchema,
  fields: benchmarkFieldsSchema,
  template: benchmarkTemplateSchema.optional().describe("The prompt and continuation templates (default: the task's)."),
  generation: benchmarkGenerationSchema.optional().describe('generate and judge: max new tokens, stop strings, answer extractor, sampling.'),
  judge: benchmarkJudgeSchema.optional().describe('judge only: the rubric and pass mark (default rubric: DEFAULT_JUDGE_RUBRIC).'),
};

function checkDefinition(d: { task: BenchmarkTask; fields: BenchmarkFields; generation?: unknown; judge?: unknown }, ctx: z.RefinementCtx): void {
  if (d.task === 'multiple-choice' && d.fields.choices === undefined) {
    ctx.addIssue({ code: 'custom', path: ['fields', 'choices'], message: 'A multiple-choice benchmark needs the field (or fields) holding the choices.' });
  }
  if (d.task !== 'generate' && d.task !== 'judge' && d.generation !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['generation'], message: 'Generation settings apply to generate and judge benchmarks only: leave them out.' });
  }
  if (d.task !== 'judge' && d.judge !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['judge'], message: 'Judge settings apply to a judge benchmark only: leave them out.' });
  }
}

export const benchmarkDefinitionSchema = z.object(benchmarkDefinitionShape).superRefine(checkDefinition).meta({ id: 'BenchmarkDefinition' });
export type BenchmarkDefinition = z.infer<typeof benchmarkDefinitionSchema>;

const benchmarkNameSchema = z.string().trim().min(1, 'Give the benchmark a name.').max(120, 'Keep the name under 120 characters.');

/** POST /api/benchmarks: a new benchmark (its version 1). */
export const createBenchmarkBodySchema = z
  .object({ name: benchmarkNameSchema, ...benchmarkDefinitionShape })
  .superRefine(checkDefinition)
  .meta({ id: 'CreateBenchmarkBody' });
export type CreateBenchmarkBody = z.infer<typeof createBenchmarkBodySchema>;

/** POST /api/benchmarks/:id/versions: edit a benchmark — a new version; the old ones stay. */
export const createBenchmarkVersionBodySchema = z
  .object({ name: benchmarkNameSchema.optional(), ...benchmarkDefinitionShape })
  .superRefine(checkDefinition)
  .meta({ id: 'CreateBenchmarkVersionBody' });
export type CreateBenchmarkVersionBody = z.infer<typeof createBenchmarkVersionBodySchema>;

/** One version of a benchmark, with every setting resolved (template and generation defaults filled). */
export const benchmarkSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int().positive(),
    datasetId: z.string(),
    datasetVersion: z.number().int().positive(),
    /** The dataset's name when this version was made. */
    datasetName: z.string(),
    /** Which rows are items (`{kind: 'all'}` unless made from a fine-tune's validation split). */
    rows: benchmarkRowsSchema,
    task: benchmarkTaskSchema,
    fields: benchmarkFieldsSchema,
    template: benchmarkTemplateSchema,
    /** generate and judge (null otherwise). */
    generation: benchmarkGenerationSchema.nullable(),
    /** judge only (null otherwise). */
    judge: benchmarkJudgeSchema.nullable(),
    /** How many items the dataset version gives. */
    items: z.number().int().nonnegative(),
    createdAt: z.string(),
    /** Every version of this benchmark, newest first. */
    versions: z.array(z.number().int().positive()),
  })
  .meta({ id: 'Benchmark' });
export type Benchmark = z.infer<typeof benchmarkSchema>;

export const benchmarkListSchema = z.object({ benchmarks: z.array(benchmarkSchema) }).meta({ id: 'BenchmarkList' });
export type BenchmarkList = z.infer<typeof benchmarkListSchema>;

export const benchmarkIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const benchmarkVersionQuerySchema = z.object({ version: z.coerce.number().int().positive().optional() });

// ---- built-in samples ----------------------------------------------------------------------

/** A small benchmark that ships with the app (written by us, so its licence is ours to state). */
export const benchmarkSampleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    task: benchmarkTaskSchema,
    description: z.string(),
    items: z.number().int().positive(),
    /** SPDX id, e.g. CC0-1.0, and who wrote it. */
    licence: z.string(),
    author: z.string(),
  })
  .meta({ id: 'BenchmarkSample' });
export type BenchmarkSample = z.infer<typeof benchmarkSampleSchema>;

export const benchmarkSampleListSchema = z.object({ samples: z.array(benchmarkSampleSchema) }).meta({ id: 'BenchmarkSampleList' });
export type BenchmarkSampleList = z.infer<typeof benchmarkSampleListSchema>;

export const benchmarkSampleParamsSchema = z.object({ sampleId: z.string().min(1).max(64) });

/** POST /api/benchmarks/samples/:sampleId: store the sample's data as a dataset and make a benchmark of it. */
export const createSampleBenchmarkBodySchema = z.object({ name: benchmarkNameSchema.optional() }).meta({ id: 'CreateSampleBenchmarkBody' });
export type CreateSampleBenchmarkBody = z.infer<typeof createSampleBenchmarkBodySchema>;

/** POST /api/benchmarks/preview: the first items as a definition renders them (nothing stored). */
export const previewBenchmarkBodySchema = z
  .object({ ...benchmarkDefinitionShape, count: z.number().int().min(1).max(50).default(5) })
  .superRefine(checkDefinition)
  .meta({ id: 'PreviewBenchmarkBody' });
export type PreviewBenchmarkBody = z.infer<typeof previewBenchmarkBodySchema>;

/** A row that cannot become an item: where it is in the file, and why. */
export const benchmarkProblemSchema = z
  .object({ row: z.number().int().nonnegative(), location: z.string(), message: z.string() })
  .meta({ id: 'BenchmarkProblem' });
export type BenchmarkProblem = z.infer<typeof benchmarkProblemSchema>;

export const benchmarkPreviewSchema = z
  .object({
    /** Rows in the dataset version. */
    rows: z.number().int().nonnegative(),
    items: z.array(
      z.object({
        row: z.number().int().nonnegative(),
        location: z.string(),
        prompt: z.string(),
        /** Multiple choice: each choice as scored after the prompt; generate / loss: the reference after it. */
        continuations: z.array(z.string()),
        /** The answer: the right choice's text, or the reference. */
        target: z.string(),
      }),
    ),
    /** Every row that cannot become an item (empty when all can). */
    problems: z.array(benchmarkProblemSchema),
  })
  .meta({ id: 'BenchmarkPreview' });
export type BenchmarkPreview = z.infer<typeof benchmarkPreviewSchema>;

// ---- evaluate jobs -----------------------------------------------------------------------------

/** POST /api/evaluations: models × benchmarks, one `evaluate` job each, as one batch. */
export const launchEvaluationBodySchema = z
  .object({
    models: z
      .array(z.object({ modelId: z.string().min(1, 'Choose a base model.'), adapter: evaluateAdapterRefSchema.optional() }))
      .min(1, 'Choose at least one model to evaluate.')
      .max(32, 'Evaluate at most 32 models in one batch.'),
    benchmarks: z
      .array(z.object({ id: z.string().min(1), version: z.number().int().positive().optional() }))
      .min(1, 'Choose at least one benchmark.')
      .max(32, 'Use at most 32 benchmarks in one batch.'),
    quant: evalQuantSchema.default('nf4'),
    kernels: evalKernelsSchema.default('fast'),
    limit: z.number().int().min(1, 'Evaluate at least 1 item.').optional(),
  })
  .meta({ id: 'LaunchEvaluationBody' });
export type LaunchEvaluationBody = z.infer<typeof launchEvaluationBodySchema>;

export const evaluationBatchSchema = z.object({ batchId: z.string(), jobs: z.array(jobSchema) }).meta({ id: 'EvaluationBatch' });
export type EvaluationBatch = z.infer<typeof evaluationBatchSchema>;

export const evaluationBatchParamsSchema = z.object({ batchId: z.string().min(1).max(64) });

/** POST /api/evaluations/batches/:batchId/cancel: what was canceled (queued jobs at once, running ones asked to stop). */
export const evaluationBatchCancelSchema = z
  .object({ batchId: z.string(), canceled: z.number().int().nonnegative(), jobs: z.array(jobSchema) })
  .meta({ id: 'EvaluationBatchCancel' });
export type EvaluationBatchCancel = z.infer<typeof evaluationBatchCancelSchema>;

export const listEvaluationsQuerySchema = z.object({
  batchId: z.string().min(1).optional(),
  benchmarkId: z.string().min(1).optional(),
  modelId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type ListEvaluationsQuery = z.infer<typeof listEvaluationsQuerySchema>;

/** One evaluate job as the results list shows it: what ran, how it went, its metrics (items: GET the job). */
export const evaluationSummarySchema = z
  .object({
    jobId: z.string(),
    batchId: z.string().nullable(),
    title: z.string(),
    status: jobSchema.shape.status,
    benchmark: z.object({ id: z.string(), name: z.string(), version: z.number().int(), task: benchmarkTaskSchema }),
    model: z.object({ id: z.string(), name: z.string() }),
    adapter: z
      .object({
        ref: z.string(),
        label: z.string(),
        /**
         * The fine-tune that wrote the adapter and the training step it holds (its final step, or
         * a checkpoint's), so checkpoints can be drawn against step; null when no fine-tune of
         * this workspace wrote the folder; absent for jobs queued before this was recorded.
         */
        fineTune: z.object({ jobId: z.string(), title: z.string(), step: z.number().int().nullable() }).nullable().optional(),
      })
      .nullable(),
    quant: evalQuantSchema,
    /** null with quant none (float32 weights have one kernel). */
    kernels: evalKernelsSchema.nullable(),
    limit: z.number().int().nullable(),
    metrics: z.record(z.string(), z.number()).nullable(),
    /** While queued or running: how far it is (items done of items) and the ETA. */
    progress: jobSchema.shape.progress,
    /** Why it failed (failed jobs only). */
    error: jobSchema.shape.error,
    /** The job it retried (a batch retry), or null. */
    parentId: z.string().nullable(),
    /** The result came from the cache (the same pair ran before). */
    cached: z.boolean(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'EvaluationSummary' });
export type EvaluationSummary = z.infer<typeof evaluationSummarySchema>;

export const evaluationListSchema = z.object({ evaluations: z.array(evaluationSummarySchema) }).meta({ id: 'EvaluationList' });
export type EvaluationList = z.infer<typeof evaluationListSchema>;

// ---- comparison and report ---------------------------------------------------------------------

const jobIdList = z
  .string()
  .regex(/^[^,\s]+(,[^,\s]+)+$/, 'Give two or more evaluate job ids separated by commas, the base first, e.g. "job_a,job_b".')
  .max(4_000)
  .describe('Evaluate job ids separated by commas; the first is the base the others are compared with.');

/** GET /api/evaluations/compare: succeeded evaluate jobs of one benchmark version, the base first. */
export const compareEvaluationsQuerySchema = z.object({ jobIds: jobIdList });
export type CompareEvaluationsQuery = z.infer<typeof compareEvaluationsQuerySchema>;

export const evaluationReportFormats = ['markdown', 'html', 'csv', 'json'] as const;
export type EvaluationReportFormat = (typeof evaluationReportFormats)[number];
export const evaluationReportSections = ['summary', 'metrics', 'charts', 'examples', 'settings'] as const;
export type EvaluationReportSection = (typeof evaluationReportSections)[number];

const sectionList = z
  .string()
  .regex(
    new RegExp(`^(${evaluationReportSections.join('|')})(,(${evaluationReportSections.join('|')}))*$`),
    `Name the sections separated by commas, from: ${evaluationReportSections.join(', ')}.`,
  )
  .describe(`Markdown and HTML: the sections, separated by commas (default all: ${evaluationReportSections.join(',')}).`);

/** GET /api/evaluations/report: the comparison as a file to download. */
export const evaluationReportQuerySchema = z.object({
  jobIds: jobIdList,
  format: z.enum(evaluationReportFormats).default('html'),
  sections: sectionList.optional(),
});
export type EvaluationReportQuery = z.infer<typeof evaluationReportQuerySchema>;

/** The report file itself (HTML, Markdown, CSV or JSON, as `format` asks), sent as an attachment. */
export const evaluationReportFileSchema = z.string().meta({ id: 'EvaluationReportFile' });

/** A paired bootstrap of one model against the base on one per-item metric. */
const bootstrapResultSchema = z.object({
  delta: z.number(),
  low: z.number(),
  high: z.number(),
  /** Items where the model did better than the base (in the metric's good direction). */
  better: z.number().int(),
  worse: z.number().int(),
  ties: z.number().int(),
  n: z.number().int(),
  confidence: z.number(),
  resamples: z.number().int(),
});

export const exampleOutcomes = ['won', 'lost', 'both right', 'both wrong'] as const;

/**
 * Models compared on one benchmark version: each metric's value per model, every model against
 * the first (the base) with a seeded 95% paired bootstrap interval and a plain-words verdict,
 * and every item with each model's answer and its outcome against the base.
 */
export const evaluationComparisonSchema = z
  .object({
    benchmark: z.object({ name: z.string(), task: benchmarkTaskSchema, version: z.union([z.number(), z.string()]).optional(), items: z.number().int() }),
    /** The models in order; the first is the base. */
    models: z.array(z.object({ label: z.string(), quant: z.string(), kernels: z.string(), settings: z.record(z.string(), z.unknown()) })),
    metrics: z.array(
      z.object({
        name: z.string(),
        /** Each model's value, in the order of the models (null when its result lacks the metric). */
        values: z.array(z.number().nullable()),
        lowerIsBetter: z.boolean(),
        /** The metric has per-item scores, hence intervals and verdicts. */
        perItem: z.boolean(),
        unit: z.string(),
        scale: z.number(),
        /** Every model after the first against the first. */
        deltas: z.array(
          z.object({
            label: z.string(),
            /** null when a value is missing. */
            delta: z.number().nullable(),
            bootstrap: bootstrapResultSchema.optional(),
            /** e.g. "better on 62 items, worse on 40, 95% CI +1.2 to +6.8 points". */
            verdict: z.string().optional(),
          }),
        ),
      }),
    ),
    examples: z.array(
      z.object({
        index: z.number().int(),
        prompt: z.string(),
        reference: z.string(),
        models: z.array(
          z.object({
            label: z.string(),
            prediction: z.string(),
            correct: z.boolean(),
            output: z.string().optional(),
            choices: z.array(z.object({ text: z.string(), logprob: z.number() })).optional(),
            scores: z.record(z.string(), z.number()),
            /** Against the base; absent for the base itself. */
            outcome: z.enum(exampleOutcomes).optional(),
          }),
        ),
      }),
    ),
    /** The bootstrap's settings, so the intervals can be reproduced. */
    bootstrap: z.object({ resamples: z.number().int(), confidence: z.number(), seed: z.number().int() }),
  })
  .meta({ id: 'EvaluationComparison' });
export type EvaluationComparison = z.infer<typeof evaluationComparisonSchema>;
