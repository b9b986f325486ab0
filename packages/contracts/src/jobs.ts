import { z } from 'zod';

/** queued → running → succeeded | failed | canceled | interrupted (queued may also be canceled). */
export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'interrupted'] as const;
export const jobStatusSchema = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const terminalJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled', 'interrupted'];
export const activeJobStatuses: readonly JobStatus[] = ['queued', 'running'];

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
    benchmarkSeconds: z
      .number()
      .min(0.2)
      .max(30)
      .default(2)
      .describe('How long the matrix-multiply benchmark runs, per thread setting, in seconds.'),
    matrixSize: z
      .number()
      .int()
      .min(64)
      .max(4096)
      .default(1024)
      .describe('Size N of the N×N×N fp32 MatMul the benchmark times.'),
  })
  .meta({ id: 'SystemCheckConfig' });
export type SystemCheckConfig = z.infer<typeof systemCheckConfigSchema>;

/** What a client sends to start a job: a type and that type's config. */
export const createJobBodySchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('system-check'),
      config: systemCheckConfigSchema.prefault({}),
    }),
  ])
  .meta({ id: 'CreateJobBody' });
export type CreateJobBody = z.infer<typeof createJobBodySchema>;
export type JobType = CreateJobBody['type'];
export const jobTypes = ['system-check'] as const satisfies readonly JobType[];
export const jobTypeSchema = z.enum(jobTypes);

export const jobTypeLabels: Record<JobType, string> = {
  'system-check': 'System check',
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
