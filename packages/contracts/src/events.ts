import { z } from 'zod';
import { jobErrorSchema, jobStatusSchema } from './jobs.js';

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export const logLevelSchema = z.enum(logLevels);
export type LogLevel = z.infer<typeof logLevelSchema>;

/**
 * What a job's worker process reports, over IPC, while it runs.
 * The server validates each one before storing it.
 */
const progressFields = {
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  message: z.string().max(500).optional(),
};
const metricFields = { name: z.string().min(1).max(100), value: z.number(), step: z.number() };
const logFields = { level: logLevelSchema, message: z.string().max(20_000) };
const artifactFields = { artifactKind: z.string().min(1).max(50), path: z.string(), label: z.string().optional() };
const resultFields = { data: z.unknown() };

export const workerEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('progress'), ...progressFields }),
  z.object({ kind: z.literal('metric'), ...metricFields }),
  z.object({ kind: z.literal('log'), ...logFields }),
  z.object({ kind: z.literal('artifact'), ...artifactFields }),
  z.object({ kind: z.literal('result'), ...resultFields }),
]);
export type WorkerEvent = z.infer<typeof workerEventSchema>;

/** A stored job event, as it is sent over server-sent events and listed by the API. */
const stored = { id: z.number().int().positive(), jobId: z.string(), at: z.string() };
export const jobEventSchema = z
  .discriminatedUnion('kind', [
    z.object({ ...stored, kind: z.literal('status'), status: jobStatusSchema, error: jobErrorSchema.nullable() }),
    z.object({ ...stored, kind: z.literal('progress'), ...progressFields }),
    z.object({ ...stored, kind: z.literal('metric'), ...metricFields }),
    z.object({ ...stored, kind: z.literal('log'), ...logFields }),
    z.object({ ...stored, kind: z.literal('artifact'), ...artifactFields }),
    z.object({ ...stored, kind: z.literal('result'), ...resultFields }),
  ])
  .meta({ id: 'JobEvent' });
export type JobEvent = z.infer<typeof jobEventSchema>;
export type JobEventKind = JobEvent['kind'];

export const jobEventListSchema = z.object({ events: z.array(jobEventSchema) }).meta({ id: 'JobEventList' });

export const jobEventsQuerySchema = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  kind: z.enum(['status', 'progress', 'metric', 'log', 'artifact', 'result']).optional(),
});

/** Server-sent event names. Data of `job` is a JobEvent; `ready` carries the latest event id. */
export const sseEventNames = { job: 'job', ready: 'ready' } as const;
