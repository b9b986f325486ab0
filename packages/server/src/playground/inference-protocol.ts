import { z } from 'zod';
import { generationSettingsSchema, jobErrorSchema, kernelChoiceSchema, promptTemplateSchema, quantModeSchema } from '@qlora-studio/contracts';

/**
 * The IPC protocol between the server and an inference worker process. A worker keeps models
 * loaded between requests and generates one reply at a time.
 * Server → worker: generate, abort. Worker → server: loading, started, token, done or failed.
 */
/** How many models a worker keeps loaded (least recently used goes); the pool mirrors it to send requests where their model is. */
export const modelsPerWorker = 2;

export const generateTaskSchema = z.object({
  taskId: z.string(),
  modelDir: z.string(),
  quant: quantModeSchema,
  kernels: kernelChoiceSchema,
  /** A PEFT adapter folder applied unmerged, or null for the base model. */
  adapterDir: z.string().nullable(),
  /** Chat prompts: the template to write them with; null: the adapter's (as trained), else the model's. */
  promptTemplate: promptTemplateSchema.nullable().optional(),
  prompt: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    z.object({ kind: z.literal('chat'), messages: z.array(z.object({ role: z.string(), content: z.string() })) }),
  ]),
  settings: generationSettingsSchema,
});
export type GenerateTask = z.infer<typeof generateTaskSchema>;

/** What tells two loaded models apart: the folder, the quantization and (for NF4) the kernels. */
export function loadedModelKey(task: Pick<GenerateTask, 'quant' | 'kernels' | 'modelDir'>): string {
  return `${task.quant}${task.quant === 'nf4' ? `:${task.kernels}` : ''}|${task.modelDir}`;
}

export type InferenceCommand = ({ type: 'generate' } & GenerateTask) | { type: 'abort'; taskId: string };

export const replyStatsSchema = z.object({
  text: z.string(),
  finishReason: z.enum(['eos', 'stop', 'length', 'aborted']),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  timeToFirstTokenMs: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
});
export type ReplyStats = z.infer<typeof replyStatsSchema>;

export const inferenceMessageSchema = z.discriminatedUnion('type', [
  /** The model or adapter is being read (the first request for a model takes a while). */
  z.object({ type: z.literal('loading'), taskId: z.string(), message: z.string() }),
  z.object({ type: z.literal('started'), taskId: z.string(), renderedPrompt: z.string(), promptTokens: z.number().int().nonnegative() }),
  z.object({ type: z.literal('token'), taskId: z.string(), text: z.string() }),
  z.object({ type: z.literal('done'), taskId: z.string(), stats: replyStatsSchema }),
  z.object({ type: z.literal('failed'), taskId: z.string(), error: jobErrorSchema }),
]);
export type InferenceMessage = z.infer<typeof inferenceMessageSchema>;
