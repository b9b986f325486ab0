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
