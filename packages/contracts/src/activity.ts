import { z } from 'zod';

export const activityKinds = [
  'job.queued',
  'job.started',
  'job.succeeded',
  'job.failed',
  'job.canceled',
  'job.interrupted',
  'job.deleted',
  'dataset.created',
  'dataset.versioned',
  'dataset.renamed',
  'dataset.deleted',
  'model.added',
  'model.deleted',
  'benchmark.deleted',
  'settings.changed',
  'server.started',
] as const;
export const activityKindSchema = z.enum(activityKinds);
export type ActivityKind = z.infer<typeof activityKindSchema>;

/** One line of the workspace's activity feed. */
export const activityEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: activityKindSchema,
    message: z.string(),
    jobId: z.string().nullable(),
  })
  .meta({ id: 'ActivityEvent' });
export type ActivityEvent = z.infer<typeof activityEventSchema>;

export const activityListSchema = z.object({ events: z.array(activityEventSchema) }).meta({ id: 'ActivityList' });
export const activityQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** The Dashboard's overview cards. */
export const overviewSchema = z
  .object({
    models: z.number().int().nonnegative(),
    /** Fine-tunes that succeeded and wrote an adapter. */
    adapters: z.number().int().nonnegative(),
    datasets: z.number().int().nonnegative(),
    jobs: z.object({
      queued: z.number().int().nonnegative(),
      running: z.number().int().nonnegative(),
      succeeded: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      canceled: z.number().int().nonnegative(),
      interrupted: z.number().int().nonnegative(),
    }),
    /** Tokens trained on by every fine-tune (summed from their step metrics). */
    tokensTrained: z.number().nonnegative(),
  })
  .meta({ id: 'Overview' });
export type Overview = z.infer<typeof overviewSchema>;
