import { z } from 'zod';
import { baseModelSchema } from './models.js';
import { promptTemplateSchema } from './prompt-templates.js';

// ---- prompt templates ------------------------------------------------------------------------

/**
 * `{{name}}` in a prompt: letters, digits, `_` and `-`, starting with a letter or `_`. Not
 * `__proto__`: JSON request bodies may not carry that key (servers refuse it), so it stays text.
 */
const variablePattern = /\{\{\s*(?!__proto__\s*\}\})([A-Za-z_][\w-]*)\s*\}\}/g;

/** The variables a template uses, each once, in order of first appearance. */
export function templateVariables(...texts: string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(variablePattern)) names.add(match[1]!);
  return [...names];
}

/** The value given for a variable, if any: own keys only, so `{{constructor}}` is not the object's method. */
export function variableValue(values: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/**
 * Replace every `{{name}}` with its value; names without a value are listed in `missing` and
 * left as they are. With `maxLength`, a result longer than that is not built (`tooLong`), so a
 * small request cannot make the server hold a huge prompt.
 */
export function fillTemplate(
  text: string,
  values: Record<string, string>,
  options: { maxLength?: number } = {},
): { text: string; missing: string[]; tooLong: boolean } {
  const missing = new Set<string>();
  let length = text.length;
  const valueOf = (name: string) => variableValue(values, name);
  for (const match of text.matchAll(variablePattern)) {
    const value = valueOf(match[1]!);
    if (value === undefined) missing.add(match[1]!);
    else length += value.length - match[0].length;
  }
  if (options.maxLength !== undefined && length > options.maxLength) return { text: '', missing: [...missing], tooLong: true };
  const filled = text.replace(variablePattern, (whole, name: string) => valueOf(name) ?? whole);
  return { text: filled, missing: [...missing], tooLong: false };
}

/** The longest prompt the Playground builds from a template and its variables, in characters. */
export const maxFilledPromptLength = 400_000;

// ---- generation settings ---------------------------------------------------------------------

export const generationSettingsSchema = z
  .object({
    temperature: z
      .number()
      .min(0)
      .max(5)
      .default(0.7)
      .describe('How random the choice of each token is. 0 always takes the most likely token (deterministic); 0.7 is a common balance; above 1 gets erratic.'),
    topP: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe('Sample only from the most likely tokens whose probabilities add up to this (nucleus sampling). 1 turns it off.'),
    topK: z.number().int().min(0).max(1000).default(40).describe('Sample only from this many most likely tokens. 0 turns it off.'),
    maxNewTokens: z
      .number()
      .int()
      .min(1)
      .max(8192)
      .default(256)
      .describe('The longest reply, in tokens. The workspace sets an upper limit (Settings → Workspace).'),
    repetitionPenalty: z
      .number()
      .min(0.5)
      .max(3)
      .default(1.1)
      .describe('Above 1 makes tokens already in the prompt or reply less likely, against loops. 1 turns it off.'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe('The same seed, model, prompt and settings give the same reply, here and with `qlora generate --seed`.'),
    stopStrings: z.array(z.string().min(1).max(200)).max(8).default([]).describe('Generation ends before any of these strings (they are not shown).'),
  })
  .meta({ id: 'GenerationSettings' });
export type GenerationSettings = z.infer<typeof generationSettingsSchema>;
export const defaultGenerationSettings: GenerationSettings = generationSettingsSchema.parse({});

/** Named starting points for the settings; choosing one changes only the fields it names. */
export const generationPresets = {
  precise: {
    label: 'Precise',
    description: 'Always the most likely token: the same reply every time. For facts, extraction and code.',
    settings: { temperature: 0, topP: 1, topK: 0, repetitionPenalty: 1 },
  },
  balanced: {
    label: 'Balanced',
    description: 'Some variety while staying on topic. A good default for chat.',
    settings: { temperature: 0.7, topP: 0.9, topK: 40, repetitionPenalty: 1.1 },
  },
  creative: {
    label: 'Creative',
    description: 'More surprising word choices. For brainstorming and stories.',
    settings: { temperature: 1.0, topP: 0.95, topK: 0, repetitionPenalty: 1.05 },
  },
} as const satisfies Record<string, { label: string; description: string; settings: Partial<GenerationSettings> }>;
export type GenerationPresetName = keyof typeof generationPresets;

// ---- what a pane runs ------------------------------------------------------------------------

export const quantModeSchema = z.enum(['nf4', 'none']);
export type QuantMode = z.infer<typeof quantModeSchema>;

/**
 * How NF4 weights are multiplied: fast (int8 kernels built from them, the default) or exact
 * (MatMulBnb4, the bitsandbytes NF4 math other QLoRA tools compute, about half as fast).
 */
export const kernelChoiceSchema = z.enum(['fast', 'exact']);
export type KernelChoice = z.infer<typeof kernelChoiceSchema>;

/** One model to run: a base model, optionally with the adapter a fine-tune produced. */
export const modelChoiceSchema = z
  .object({
    modelId: z.string().min(1, 'Choose a model.'),
    /** The fine-tune job whose final adapter is applied (unmerged), or null for the base model alone. */
    adapterId: z.string().min(1).nullable().default(null),
    /** nf4: weights quantized to 4 bits as QLoRA trains them (less memory); none: full precision. */
    quant: quantModeSchema.default('nf4'),
    /** With nf4: fast or exact kernels (see `kernelChoiceSchema`); full precision has one kind. */
    kernels: kernelChoiceSchema.default('fast'),
    /**
     * Chat mode: how the conversation is written out. null: as the adapter was trained (its
     * prompt template), else the model's own chat template; a template here overrides both, so a
     * base model without a chat template can be prompted the way its fine-tune was.
     */
    promptTemplate: promptTemplateSchema.nullable().optional(),
  })
  .meta({ id: 'ModelChoice' });
export type ModelChoice = z.infer<typeof modelChoiceSchema>;

/** An adapter a finished fine-tune produced, as the model selector shows it. */
export const playgroundAdapterSchema = z
  .object({
    /** The fine-tune job's id. */
    id: z.string(),
    title: z.string(),
    baseModelId: z.string(),
    baseModelName: z.string(),
    method: z.enum(['qlora', 'lora']),
    r: z.number().int().positive(),
    alpha: z.number(),
    targetModules: z.array(z.string()),
    dataset: z.object({ id: z.string(), name: z.string(), version: z.number().int().nullable() }),
    steps: z.number().int().nonnegative().nullable(),
    finalLoss: z.number().nullable(),
    /** The prompt template it was trained with (chat mode uses it); null: the model's own chat template, or none recorded. */
    promptTemplate: promptTemplateSchema.nullable(),
    path: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PlaygroundAdapter' });
export type PlaygroundAdapter = z.infer<typeof playgroundAdapterSchema>;

export const playgroundCatalogueSchema = z
  .object({
    models: z.array(baseModelSchema),
    adapters: z.array(playgroundAdapterSchema),
    /** The workspace's bounds on generation, so the page can show them. */
    limits: z.object({
      maxNewTokens: z.number().int().positive(),
      concurrentStreams: z.number().int().positive(),
      queuedPerCaller: z.number().int().positive(),
    }),
  })
  .meta({ id: 'PlaygroundCatalogue' });
export type PlaygroundCatalogue = z.infer<typeof playgroundCatalogueSchema>;

// ---- prompts ---------------------------------------------------------------------------------

export const chatMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(100_000),
});
export type PlaygroundChatMessage = z.infer<typeof chatMessageSchema>;

const variablesSchema = z.record(z.string().max(64), z.string().max(100_000)).default({});

/**
 * Text mode sends the filled template as it is (with the tokenizer's BOS), like
 * `qlora generate --prompt`; chat mode renders system + messages through the model's chat
 * template, like `qlora generate --chat`. `{{variables}}` are filled in both.
 */
export const playgroundPromptSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('text'), template: z.string().max(200_000), variables: variablesSchema }),
    z.object({
      mode: z.literal('chat'),
      system: z.string().max(100_000).default(''),
      /** The conversation so far; it must end with a user message. */
      messages: z.array(chatMessageSchema).min(1, 'Write a message.').max(200),
      variables: variablesSchema,
    }),
  ])
  .meta({ id: 'PlaygroundPrompt' });
export type PlaygroundPrompt = z.infer<typeof playgroundPromptSchema>;

// ---- runs ------------------------------------------------------------------------------------

export const paneStatuses = ['queued', 'running', 'done', 'stopped', 'failed'] as const;
export const paneStatusSchema = z.enum(paneStatuses);
export type PaneStatus = z.infer<typeof paneStatusSchema>;

export const paneOutputSchema = z
  .object({
    index: z.number().int().min(0).max(3),
    model: modelChoiceSchema,
    /** "Base model" or "Base model + adapter", as it was named when the run started. */
    label: z.string(),
    status: paneStatusSchema,
    /** What a waiting or starting pane is doing, in words ("Waiting for 1 reply ahead", "Loading the model…"). */
    statusText: z.string().optional(),
    text: z.string(),
    /** The exact text the model was given (after variables and chat template), once known. */
    renderedPrompt: z.string().nullable(),
    finishReason: z.enum(['eos', 'stop', 'length', 'aborted']).nullable(),
    promptTokens: z.number().int().nonnegative().nullable(),
    completionTokens: z.number().int().nonnegative().nullable(),
    timeToFirstTokenMs: z.number().nonnegative().nullable(),
    /** Generated tokens per second after the first. */
    tokensPerSecond: z.number().nonnegative().nullable(),
    durationMs: z.number().nonnegative().nullable(),
    error: z.object({ message: z.string(), hint: z.string().nullable() }).nullable(),
    note: z.string().max(4000),
    vote: z.enum(['up', 'down']).nullable(),
  })
  .meta({ id: 'PaneOutput' });
export type PaneOutput = z.infer<typeof paneOutputSchema>;

/** A pane before its reply starts: waiting, with nothing generated yet. */
export function queuedPane(index: number, model: ModelChoice, label: string): PaneOutput {
  return {
    index,
    model,
    label,
    status: 'queued',
    statusText: 'Starting…',
    text: '',
    renderedPrompt: null,
    finishReason: null,
    promptTokens: null,
    completionTokens: null,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
    durationMs: null,
    error: null,
    note: '',
    vote: null,
  };
}

export const playgroundRunSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    createdAt: z.string(),
    prompt: playgroundPromptSchema,
    settings: generationSettingsSchema,
    panes: z
      .array(paneOutputSchema)
      .min(1)
      .max(4)
      .refine((panes) => panes.every((pane, i) => pane.index === i), 'Pane indexes must be 0, 1, 2, 3 in order.'),
  })
  .meta({ id: 'PlaygroundRun' });
export type PlaygroundRun = z.infer<typeof playgroundRunSchema>;

export const createPlaygroundRunBodySchema = z
  .object({
    /** Add the run to this session; without it a new session is started. */
    sessionId: z.string().min(1).optional(),
    prompt: playgroundPromptSchema,
    settings: generationSettingsSchema,
    panes: z.array(modelChoiceSchema).min(1, 'Choose a model.').max(4, 'Compare at most 4 models at once.'),
  })
  .meta({ id: 'CreatePlaygroundRunBody' });
export type CreatePlaygroundRunBody = z.input<typeof createPlaygroundRunBodySchema>;

export const stopPlaygroundRunBodySchema = z
  .object({ pane: z.number().int().min(0).max(3).optional().describe('Stop only this pane; without it every pane stops.') })
  .meta({ id: 'StopPlaygroundRunBody' });

export const updatePaneBodySchema = z
  .object({ note: z.string().max(4000).optional(), vote: z.enum(['up', 'down']).nullable().optional() })
  .strict()
  .meta({ id: 'UpdatePaneBody' });

export const runIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const paneParamsSchema = z.object({ id: z.string().min(1).max(64), pane: z.coerce.number().int().min(0).max(3) });

/** Events of `GET /api/playground/runs/:id/stream`: a snapshot, then deltas, then `end`. */
export const playgroundStreamEvents = {
  /** The whole run as it stands (first event, and again after a reconnect). */
  snapshot: 'snapshot',
  /** New text of a pane: `{ pane, offset, text }`; `offset` is where it starts in the pane's text. */
  token: 'token',
  /** A pane changed status or finished: the whole pane. */
  pane: 'pane',
  /** Every pane has finished. */
  end: 'end',
} as const;
export const tokenEventSchema = z.object({ pane: z.number().int(), offset: z.number().int().nonnegative(), text: z.string() });
export type TokenEvent = z.infer<typeof tokenEventSchema>;

// ---- sessions (history) ----------------------------------------------------------------------

/** What the editor held when the session was last saved, so reopening restores it. */
export const playgroundDraftSchema = z
  .object({
    prompt: playgroundPromptSchema,
    settings: generationSettingsSchema,
    panes: z.array(modelChoiceSchema).min(1).max(4),
  })
  .meta({ id: 'PlaygroundDraft' });
export type PlaygroundDraft = z.infer<typeof playgroundDraftSchema>;

export const playgroundSessionSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    /** Shared sessions can be opened by everyone in the workspace; others only by their owner. */
    shared: z.boolean(),
    /** Who started it: "this machine" or an access token's name. */
    owner: z.string(),
    ownedByMe: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    runCount: z.number().int().nonnegative(),
    /** The start of the newest prompt, for the history list. */
    preview: z.string(),
  })
  .meta({ id: 'PlaygroundSessionSummary' });
export type PlaygroundSessionSummary = z.infer<typeof playgroundSessionSummarySchema>;

export const playgroundSessionSchema = playgroundSessionSummarySchema
  .extend({ draft: playgroundDraftSchema.nullable(), runs: z.array(playgroundRunSchema) })
  .meta({ id: 'PlaygroundSession' });
export type PlaygroundSession = z.infer<typeof playgroundSessionSchema>;

export const playgroundSessionListSchema = z
  .object({
    sessions: z.array(playgroundSessionSummarySchema),
    /** Pass as `after` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'PlaygroundSessionList' });
export type PlaygroundSessionList = z.infer<typeof playgroundSessionListSchema>;

export const listPlaygroundSessionsQuerySchema = z.object({
  /** Words to find in titles, prompts and outputs. */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the page before: sessions older than its last one. */
  after: z.string().max(200).optional(),
});

const sessionTitleSchema = z.string().trim().min(1, 'Give the session a title.').max(200, 'Keep the title under 200 characters.');

export const createPlaygroundSessionBodySchema = z
  .object({ title: sessionTitleSchema.optional(), draft: playgroundDraftSchema.optional() })
  .meta({ id: 'CreatePlaygroundSessionBody' });

export const updatePlaygroundSessionBodySchema = z
  .object({ title: sessionTitleSchema.optional(), shared: z.boolean().optional(), draft: playgroundDraftSchema.optional() })
  .strict()
  .meta({ id: 'UpdatePlaygroundSessionBody' });

export const sessionIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** The JSON file a session is exported as, and imported from. */
export const playgroundSessionFileSchema = z
  .object({
    format: z.literal('qlora-studio.playground-session'),
    version: z.literal(1),
    exportedAt: z.string(),
    session: z.object({
      title: sessionTitleSchema,
      draft: playgroundDraftSchema.nullable(),
      runs: z.array(playgroundRunSchema.omit({ sessionId: true })).max(10_000),
    }),
  })
  .meta({ id: 'PlaygroundSessionFile' });
export type PlaygroundSessionFile = z.infer<typeof playgroundSessionFileSchema>;
