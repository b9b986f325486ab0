import { z } from 'zod';
import { jobErrorSchema, workerEventSchema } from '@qlora-studio/contracts';

/**
 * The IPC protocol between the server and a job's worker process.
 * Server → worker: start once, then maybe cancel. Worker → server: events, then one outcome.
 */
export type WorkerCommand = { type: 'start'; job: { id: string; type: string; config: unknown }; workspace: string } | { type: 'cancel' };

export const workerMessageSchema = z.union([
  z.object({ type: z.literal('event'), event: workerEventSchema }),
  z.object({ type: z.literal('outcome'), outcome: z.enum(['succeeded', 'canceled']) }),
  z.object({ type: z.literal('outcome'), outcome: z.literal('failed'), error: jobErrorSchema }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
