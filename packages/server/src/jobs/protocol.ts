import { z } from 'zod';
import { jobErrorSchema, workerEventSchema } from '@qlora-studio/contracts';
import type { JudgeEndpoint } from './judge-client.js';

/**
 * The IPC protocol between the server and a job's worker process.
 * Server → worker: start once, then maybe cancel. Worker → server: events, then one outcome.
 */
export type WorkerCommand =
  { type: 'start'; job: { id: string; type: string; config: unknown }; workspace: string; secrets?: WorkerSecrets } | { type: 'cancel' };

/**
 * What a job needs but its stored config must not hold (configs are shown by the API and the UI):
 * read by the server when it starts the job and sent only in the start message.
 */
export interface WorkerSecrets {
  /** A judge evaluate job: the judge connection as stored now, API key included (null when removed). */
  judge?: JudgeEndpoint | null;
}

export const workerMessageSchema = z.union([
  z.object({ type: z.literal('event'), event: workerEventSchema }),
  z.object({ type: z.literal('outcome'), outcome: z.enum(['succeeded', 'canceled']) }),
  z.object({ type: z.literal('outcome'), outcome: z.literal('failed'), error: jobErrorSchema }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
