import { z } from 'zod';

/** A base model registered in the workspace: a Hugging Face folder on the server. */
export const baseModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** A folder registered where it is, a Hub download, or a demo model made here. */
    source: z.enum(['local', 'hub', 'demo']),
    /** The folder given, the Hub id, or null for a demo model. */
    sourceRef: z.string().nullable(),
    /** The folder the engine loads. */
    path: z.string(),
    architecture: z.string(),
    /** Parameters of the whole model (embeddings included). */
    parameters: z.number().int().nonnegative(),
    hiddenSize: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    intermediateSize: z.number().int().positive(),
    vocabSize: z.number().int().positive(),
    maxPositionEmbeddings: z.number().int().positive(),
    hasChatTemplate: z.boolean(),
    sizeBytes: z.number().int().nonnegative(),
    createdAt: z.string(),
  })
  .meta({ id: 'BaseModel' });
export type BaseModel = z.infer<typeof baseModelSchema>;

export const modelListSchema = z.object({ models: z.array(baseModelSchema) }).meta({ id: 'ModelList' });
export type ModelList = z.infer<typeof modelListSchema>;

export const modelIdParamsSchema = z.object({ id: z.string().min(1) });

const modelNameSchema = z.string().trim().min(1, 'Give the model a name.').max(120, 'Keep the name under 120 characters.');

export const registerModelBodySchema = z
  .object({
    /** An absolute path to a Hugging Face model folder on the server (config.json, safetensors, tokenizer.json). */
    path: z.string().min(1),
    name: modelNameSchema.optional(),
  })
  .meta({ id: 'RegisterModelBody' });
export type RegisterModelBody = z.infer<typeof registerModelBodySchema>;

/** The model families the engine runs (config.json `model_type`); the server checks this list against the engine's. */
export const modelArchitectures = ['llama', 'mistral', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'gemma3_text'] as const;

/** A small random model made here in a second, so the app can be tried without internet. */
export const createDemoModelBodySchema = z
  .object({
    name: modelNameSchema.optional(),
    architecture: z.enum(modelArchitectures).default('llama'),
  })
  .meta({ id: 'CreateDemoModelBody' });
export type CreateDemoModelBody = z.infer<typeof createDemoModelBodySchema>;
