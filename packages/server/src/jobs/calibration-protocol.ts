import { z } from 'zod';
import type { ModelConfig, TrainingCalibration, TrainingCalibrationInput } from '@qlora-studio/engine';

/**
 * The IPC protocol between the server and a calibration process (worker/calibration-worker.ts).
 * Server → worker: one `calibrate`. Worker → server: `ready` once loaded, progress lines, then
 * one `done` or `failed`; the worker then exits.
 */
export interface CalibrateCommand {
  type: 'calibrate';
  input: Omit<TrainingCalibrationInput, 'config' | 'signal'> & { config: ModelConfig };
}

const stepSchema = z.object({ width: z.number(), trainedTokens: z.number(), blocksSeconds: z.number(), headSeconds: z.number(), updateSeconds: z.number() });

export const calibrationMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('progress'), message: z.string(), fraction: z.number().min(0).max(1) }),
  z.object({
    type: z.literal('done'),
    calibration: z.object({
      setupSeconds: z.number(),
      warmupSeconds: z.number(),
      warmupSteps: z.number(),
      steps: z.array(stepSchema).min(1),
      evalSeconds: z.number(),
      savedActivations: z.boolean(),
      otherCpuShare: z.number().min(0).max(1),
    }) satisfies z.ZodType<TrainingCalibration>,
  }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type CalibrationMessage = z.infer<typeof calibrationMessageSchema>;
