import { z } from 'zod';
import { checkCustomTemplate, promptTemplateIds, promptTemplateSchema, type PromptTemplate, type PromptTemplateId } from './prompt-templates.js';

// ---- files and record layouts ----------------------------------------------------------------

/** How a dataset file is encoded. */
export const datasetFileTypes = ['json', 'jsonl', 'csv', 'tsv', 'parquet', 'txt'] as const;
export const datasetFileTypeSchema = z.enum(datasetFileTypes).meta({ id: 'DatasetFileType' });
export type DatasetFileType = z.infer<typeof datasetFileTypeSchema>;

/**
 * The layout of the records: alpaca `instruction`/`input`/`output` (optional `system`),
 * ShareGPT `conversations` of `from`/`value` (system, human, gpt, function_call, observation /
 * tool turns), OpenAI `messages` of `role`/`content`, `prompt`/`completion`, or raw `text`.
 */
export const datasetFormats = ['alpaca', 'sharegpt', 'messages', 'prompt-completion', 'text'] as const;
export const datasetFormatSchema = z.enum(datasetFormats).meta({ id: 'DatasetFormat' });
export type DatasetFormat = z.infer<typeof datasetFormatSchema>;

export const datasetFormatLabels: Record<DatasetFormat, string> = {
  alpaca: 'Alpaca (instruction / input / output)',
  sharegpt: 'ShareGPT (conversations)',
  messages: 'OpenAI messages',
  'prompt-completion': 'Prompt / completion',
  text: 'Raw text',
};

/**
 * Which source column (or JSON field) holds each field of the layout, for files whose names
 * differ (e.g. a CSV with `question,answer` as prompt / completion). Unmapped fields use the
 * layout's own names.
 */
export const columnMappingSchema = z
  .object({
    instruction: z.string().min(1).optional(),
    input: z.string().min(1).optional(),
    output: z.string().min(1).optional(),
    system: z.string().min(1).optional(),
    prompt: z.string().min(1).optional(),
    completion: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
    messages: z.string().min(1).optional(),
    conversations: z.string().min(1).optional(),
  })
  .meta({ id: 'ColumnMapping' });
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

/** How to read a file: everything optional (auto-detected). */
export const datasetParseOptionsSchema = z
  .object({
    fileType: datasetFileTypeSchema.optional().describe('Override the file type detected from the name and contents.'),
    format: datasetFormatSchema.optional().describe('Override the record layout detected from the first record.'),
    columns: columnMappingSchema.optional(),
    separator: z.string().min(1).max(100).optional().describe('Plain text: the document separator (default: blank lines; e.g. <|endoftext|>).'),
  })
  .meta({ id: 'DatasetParseOptions' });
export type DatasetParseOptions = z.infer<typeof datasetParseOptionsSchema>;

// ---- the one internal representation ---------------------------------------------------------

export const chatRoles = ['system', 'user', 'assistant', 'tool'] as const;
export const chatRoleSchema = z.enum(chatRoles);
export type ChatRole = z.infer<typeof chatRoleSchema>;

export const datasetMessageSchema = z.object({ role: chatRoleSchema, content: z.string() }).meta({ id: 'DatasetMessage' });
export type DatasetMessage = z.infer<typeof datasetMessageSchema>;

/** A record as the engine trains on it: a conversation (assistant turns train) or raw text (all trains). */
export const datasetRecordSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('chat'), messages: z.array(datasetMessageSchema).min(1), tools: z.string().optional() }),
    z.object({ kind: z.literal('text'), text: z.string() }),
  ])
  .meta({ id: 'DatasetRecord' });
export type DatasetRecord = z.infer<typeof datasetRecordSchema>;

// ---- validation ----------------------------------------------------------------------------

export const datasetProblemKinds = [
  'invalid-json',
  'missing-field',
  'empty-field',
  'wrong-type',
  'role-order',
  'no-trained-tokens',
  'ragged-row',
  'duplicate',
  'unknown-layout',
] as const;
export const datasetProblemKindSchema = z.enum(datasetProblemKinds);
export type DatasetProblemKind = z.infer<typeof datasetProblemKindSchema>;

/** One problem of one record, located as a person would find it in the file. */
export const datasetProblemSchema = z
  .object({
    kind: datasetProblemKindSchema,
    /** 0-based index of the record in the file's record order. */
    record: z.number().int().nonnegative(),
    /** Where: `line 12` (JSONL), `record 12` (JSON array), `row 12` (CSV/TSV/Parquet), `document 12` (txt); 1-based. */
    location: z.string(),
    /** The field, when the problem is in one (e.g. `messages[2].content`). */
    field: z.string().optional(),
    message: z.string(),
    /** 'error': the record is left out of training; 'warning': it trains, but look at it. */
    severity: z.enum(['error', 'warning']),
  })
  .meta({ id: 'DatasetProblem' });
export type DatasetProblem = z.infer<typeof datasetProblemSchema>;

/** A rendered sample: the text the model sees, cut into trained and masked pieces. */
export const datasetSampleSchema = z
  .object({
    record: z.number().int().nonnegative(),
    pieces: z.array(z.object({ text: z.string(), trained: z.boolean() })),
    tokens: z.number().int().nonnegative(),
    trainedTokens: z.number().int().nonnegative(),
    truncated: z.boolean(),
  })
  .meta({ id: 'DatasetSample' });
export type DatasetSample = z.infer<typeof datasetSampleSchema>;

/** Token lengths with a given tokenizer and sequence length. */
export const tokenStatsSchema = z
  .object({
    seqLen: z.number().int().positive(),
    min: z.number().int().nonnegative(),
    mean: z.number().nonnegative(),
    p50: z.number().int().nonnegative(),
    p90: z.number().int().nonnegative(),
    p99: z.number().int().nonnegative(),
    max: z.number().int().nonnegative(),
    totalTokens: z.number().int().nonnegative(),
    /** Tokens that train (labels kept), within seqLen: training truncates longer records. */
    trainedTokens: z.number().int().nonnegative(),
    /** Records longer than seqLen (they would be truncated). */
    overSeqLen: z.number().int().nonnegative(),
    /** Equal-width bins from 0 to max: [start, end) token counts and how many records fall in each. */
    histogram: z.array(z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), count: z.number().int().nonnegative() })),
  })
  .meta({ id: 'TokenStats' });
export type TokenStats = z.infer<typeof tokenStatsSchema>;

/**
 * The sequence length to advise for records of these lengths: the one at which no record is cut
 * (a record is cut when it has more tokens than the sequence length, as `overSeqLen` counts),
 * i.e. the longest rounded up to a multiple of 64, never more than the model reads
 * (`modelMax`). `fitsAll` says whether every record fits within it. The report, the review and
 * the estimate's warning all advise by this one rule.
 */
export function advisedSeqLen(stats: Pick<TokenStats, 'max'>, modelMax?: number): { seqLen: number; fitsAll: boolean } {
  const wanted = Math.max(64, Math.ceil(stats.max / 64) * 64);
  const seqLen = modelMax ? Math.min(wanted, modelMax) : wanted;
  return { seqLen, fitsAll: stats.max <= seqLen };
}

/** What a dataset holds and what is wrong with it, before anything trains. */
export const datasetReportSchema = z
  .object({
    fileType: datasetFileTypeSchema,
    /** null: the layout was not recognised (every record then has an 'unknown-layout' error). */
    format: datasetFormatSchema.nullable(),
    /** Records read (valid or not). */
    records: z.number().int().nonnegative(),
    /** Records that will train (no error). */
    valid: z.number().int().nonnegative(),
    /** Problems, at most `problemLimit` of them (the counts below count all). */
    problems: z.array(datasetProblemSchema),
    errorCount: z.number().int().nonnegative(),
    warningCount: z.number().int().nonnegative(),
    /** Groups of exact duplicates beyond the first of each. */
    duplicates: z.number().int().nonnegative(),
    /** Source columns / top-level fields seen (for the column mapping). */
    columns: z.array(z.string()),
    /** Which source column held each field of the layout: the mapping chosen, or the one detected (e.g. question → prompt). */
    mapping: columnMappingSchema,
    /** With a tokenizer: token statistics and rendered samples; null when no model was given. */
    tokens: tokenStatsSchema.nullable(),
    samples: z.array(datasetSampleSchema),
  })
  .meta({ id: 'DatasetReport' });
export type DatasetReport = z.infer<typeof datasetReportSchema>;

// ---- datasets as the API shows them -----------------------------------------------------------

/**
 * One stored version of a dataset's file. A version never changes once stored: a fix is a new
 * version, and a job records the version it used.
 */
export const datasetVersionSchema = z
  .object({
    version: z.number().int().positive(),
    fileName: z.string(),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string(),
    fileType: datasetFileTypeSchema,
    /** null: the layout was not recognised; choose it (and the columns) to read the records. */
    format: datasetFormatSchema.nullable(),
    parseOptions: datasetParseOptionsSchema,
    records: z.number().int().nonnegative(),
    valid: z.number().int().nonnegative(),
    errorCount: z.number().int().nonnegative(),
    warningCount: z.number().int().nonnegative(),
    createdAt: z.string(),
  })
  .meta({ id: 'DatasetVersion' });
export type DatasetVersion = z.infer<typeof datasetVersionSchema>;

export const datasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Where it came from: an upload, a path on the server, or a Hub dataset repo. */
    source: z.enum(['upload', 'path', 'hub']),
    sourceRef: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** The newest version (what a new job uses unless it names another). */
    latest: datasetVersionSchema,
    versions: z.array(datasetVersionSchema),
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.infer<typeof datasetSchema>;

export const datasetListSchema = z.object({ datasets: z.array(datasetSchema) }).meta({ id: 'DatasetList' });
export type DatasetList = z.infer<typeof datasetListSchema>;

export const datasetIdParamsSchema = z.object({ id: z.string().min(1) });

export const datasetNameSchema = z.string().trim().min(1, 'Give the dataset a name.').max(120, 'Keep the name under 120 characters.');

/** Upload: the file is the raw request body; these travel in the query string. */
export const uploadDatasetQuerySchema = z.object({
  fileName: z.string().min(1).max(255),
  name: datasetNameSchema.optional(),
}); // no .meta id: a query schema must stay inline for the OpenAPI document

/**
 * A new version's file is detected afresh (a fixed file may well use another layout), unless
 * `keepLayout` asks to read it with the newest version's layout and column mapping.
 */
export const uploadDatasetVersionQuerySchema = uploadDatasetQuerySchema.extend({
  keepLayout: z
    .enum(['true', 'false'])
    .optional()
    .describe("'true': read the file with the newest version's layout and column mapping instead of detecting them."),
});

export const importDatasetBodySchema = z
  .object({
    /** An absolute path to a file on the server. */
    path: z.string().min(1),
    name: datasetNameSchema.optional(),
    parseOptions: datasetParseOptionsSchema.optional(),
  })
  .meta({ id: 'ImportDatasetBody' });
export type ImportDatasetBody = z.infer<typeof importDatasetBodySchema>;

export const updateDatasetBodySchema = z.object({ name: datasetNameSchema }).meta({ id: 'UpdateDatasetBody' });

/** Re-read the stored file with other parse options (a new version; the file is shared). */
export const reparseDatasetBodySchema = z.object({ parseOptions: datasetParseOptionsSchema }).meta({ id: 'ReparseDatasetBody' });

export const datasetRecordsQuerySchema = z.object({
  version: z.coerce.number().int().positive().optional(),
  offset: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const datasetRecordsSchema = z
  .object({
    version: z.number().int().positive(),
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    /** The records of [offset, offset + limit): null where the record has an error. */
    records: z.array(z.object({ index: z.number().int().nonnegative(), record: datasetRecordSchema.nullable() })),
  })
  .meta({ id: 'DatasetRecords' });
export type DatasetRecords = z.infer<typeof datasetRecordsSchema>;

export const datasetReportQuerySchema = z
  .object({
    version: z.coerce.number().int().positive().optional(),
    /** Token statistics and the masking preview with this base model's tokenizer and chat template. */
    modelId: z.string().optional(),
    seqLen: z.coerce.number().int().min(8).max(131072).default(512),
    trainOn: z.enum(['completions', 'all']).default('completions'),
    samples: z.coerce.number().int().min(0).max(20).default(3),
    /** Render chats with this prompt template instead of the model's chat template (see PromptTemplate). */
    promptTemplate: z.enum(promptTemplateIds).optional(),
    /** The custom template's text, with promptTemplate=custom. */
    customTemplate: z.string().max(4000).optional(),
  })
  .superRefine((query, ctx) => {
    if (query.promptTemplate !== 'custom') return;
    const checked = checkCustomTemplate(query.customTemplate ?? '');
    if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['customTemplate'], message: checked.message });
  });

export type DatasetReportQuery = z.infer<typeof datasetReportQuerySchema>;

/** The report query's fields for a prompt template (none for the model's own). */
export function promptTemplateQuery(template: PromptTemplate | undefined): { promptTemplate?: PromptTemplateId; customTemplate?: string } {
  if (template === undefined || template.id === 'model') return {};
  return template.id === 'custom' ? { promptTemplate: 'custom', customTemplate: template.template } : { promptTemplate: template.id };
}

/** The prompt template a report query names, checked; undefined when it names none. */
export function promptTemplateOfQuery(query: {
  promptTemplate?: PromptTemplateId | undefined;
  customTemplate?: string | undefined;
}): PromptTemplate | undefined {
  if (query.promptTemplate === undefined) return undefined;
  return promptTemplateSchema.parse(query.promptTemplate === 'custom' ? { id: 'custom', template: query.customTemplate ?? '' } : { id: query.promptTemplate });
}
