import { z } from 'zod';

/** Workspace settings kept by the server. Per-browser preferences (theme, font size) stay in the browser. */
export const settingsSchema = z
  .object({
    jobConcurrency: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('How many jobs run at the same time. Training jobs use every core, so 1 is best on most machines.'),
    cancelGraceSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(10)
      .describe('How long a canceled job may take to stop cleanly before it is stopped by force.'),
    uploadLimitMiB: z
      .number()
      .int()
      .min(1)
      .max(65536)
      .default(1024)
      .describe('The largest dataset file an upload may be, in MiB. Larger uploads are refused and nothing is stored.'),
    playgroundMaxNewTokens: z
      .number()
      .int()
      .min(1)
      .max(8192)
      .default(1024)
      .describe('The most tokens one Playground reply may have. Longer requests are refused, so one user cannot hold the CPU for long.'),
    playgroundConcurrentStreams: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('How many Playground replies are generated at the same time; the rest wait in line. Each uses CPU that a running fine-tune also needs.'),
  })
  .meta({ id: 'Settings' });
export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings: Settings = settingsSchema.parse({});

export const settingsPatchSchema = settingsSchema.partial().strict().meta({ id: 'SettingsPatch' });
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

// ---- connections ---------------------------------------------------------------------------

/**
 * The OpenAI-compatible endpoint `judge` benchmarks send their rubric to (any server that speaks
 * POST {baseUrl}/chat/completions: OpenAI, vLLM, llama.cpp's server, Ollama). The API key is
 * write-only: it is stored on the server and never sent back.
 */
export const judgeConnectionSchema = z
  .object({
    /** e.g. http://localhost:8000/v1; null when no judge is configured. */
    baseUrl: z.string().nullable(),
    model: z.string().nullable(),
    apiKeySet: z.boolean(),
  })
  .meta({ id: 'JudgeConnection' });
export type JudgeConnection = z.infer<typeof judgeConnectionSchema>;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** PUT /api/settings/judge: set (or, with baseUrl null, remove) the judge endpoint. */
export const updateJudgeConnectionBodySchema = z
  .object({
    baseUrl: z
      .string()
      .trim()
      .max(2_000)
      .refine(isHttpUrl, 'Give the endpoint as an http(s) address ending where /chat/completions starts, e.g. http://localhost:8000/v1.')
      .nullable(),
    model: z.string().trim().min(1, 'Name the judge model, e.g. gpt-4o-mini or the model your server serves.').max(200).optional(),
    /** A new key; null removes the stored one; absent keeps it. */
    apiKey: z.string().max(4_000).nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.baseUrl !== null && b.model === undefined)
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'Name the judge model the endpoint should use.' });
  })
  .meta({ id: 'UpdateJudgeConnectionBody' });
export type UpdateJudgeConnectionBody = z.infer<typeof updateJudgeConnectionBodySchema>;

/** POST /api/settings/judge/test: one short request to the configured judge, and what came back. */
export const judgeConnectionTestSchema = z
  .object({ model: z.string(), latencyMs: z.number().nonnegative(), reply: z.string() })
  .meta({ id: 'JudgeConnectionTest' });
export type JudgeConnectionTest = z.infer<typeof judgeConnectionTestSchema>;
