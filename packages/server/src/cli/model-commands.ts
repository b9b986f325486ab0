import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  downloadModel,
  encodePrompt,
  generateTokens,
  loadCausalLM,
  loadModelFolder,
  readLoraAdapter,
  readTrainingFile,
  scoreExamples,
  scoreTexts,
  tokenizeRecord,
  promptChatTemplate,
  type ChatTemplate,
  type CausalLM,
  type ChatMessage,
  type GenerateOptions,
  type ModelFolder,
} from '@qlora-studio/engine';
import { promptTemplateIds } from '@qlora-studio/contracts';
import { defaultHome } from '../config.js';
import { promptTemplateFlags, promptTemplateFromFlags } from './prompt-template-flag.js';
import { UserError } from './serve.js';
import { textSeparator } from './text-separator.js';

export const modelOptions = {
  model: { type: 'string' },
  adapter: { type: 'string', multiple: true },
  quant: { type: 'string' },
  kernels: { type: 'string' },
  threads: { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
  ...promptTemplateFlags,
} as const;

export function numberFlag(name: string, raw: string | undefined, check: (n: number) => boolean, rule: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new UserError(`--${name} ${rule}, not "${raw}".`);
  return value;
}

/** A folder on disk, or a Hub ID downloaded (or resumed) into the workspace cache. */
async function resolveModel(model: string | undefined, home: string): Promise<string> {
  if (!model) throw new UserError('Name the model: --model DIR (a Hugging Face model folder) or --model OWNER/NAME (a Hub ID).');
  if (fs.existsSync(model)) return path.resolve(model);
  if (!/^[\w.-]+\/[\w.-]+$/.test(model)) throw new UserError(`"${model}" is neither a folder nor a Hub ID like HuggingFaceTB/SmolLM2-135M-Instruct.`);
  return downloadModel({
    repo: model,
    cacheDir: path.join(home, 'models', 'hub'),
    onProgress: (p) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\r\x1b[KDownloading ${p.file} (${p.fileIndex + 1}/${p.fileCount}): ${Math.round((100 * p.bytes) / Math.max(1, p.totalBytes))}%`);
    },
  }).finally(() => process.stderr.isTTY && process.stderr.write('\r\x1b[K'));
}

/** Load the model (and its adapters, each named by its folder; the last one given is active). */
type ModelFlags = { model?: string; adapter?: string[]; quant?: string; kernels?: string; threads?: string; home?: string };

/**
 * --quant and --kernels as loadCausalLM takes them. `exact` runs the bitsandbytes NF4 math
 * (MatMulBnb4, fp32 head), what other QLoRA tools compute; `fast` (the default) int8 kernels
 * built from the NF4 weights. Kernels choose how NF4 weights are multiplied, so they need nf4.
 */
export function quantAndKernels(values: Pick<ModelFlags, 'quant' | 'kernels'>): { quant: 'nf4' | 'none'; kernels: 'exact' | 'fast' } {
  const quant = values.quant ?? 'nf4';
  if (quant !== 'nf4' && quant !== 'none') throw new UserError(`--quant must be nf4 or none, not "${quant}".`);
  const kernels = values.kernels ?? 'fast';
  if (kernels !== 'exact' && kernels !== 'fast') throw new UserError(`--kernels must be exact or fast, not "${kernels}".`);
  if (quant === 'none' && values.kernels !== undefined)
    throw new UserError('--kernels chooses how NF4 weights are multiplied: it needs --quant nf4 (float32 weights have one kernel).');
  return { quant, kernels };
}

/** The model's folder (config, tokenizer, chat template) without its weights: cheap, so checks against it come before a load. */
export async function openFolder(values: ModelFlags): Promise<{ dir: string; folder: ModelFolder }> {
  const dir = await resolveModel(values.model, values.home ?? defaultHome());
  const folder = loadModelFolder(dir);
  folder.weights.close();
  return { dir, folder };
}

/** The model loaded for inference, with its adapters; `opened` reuses a folder already read. */
export async function openModel(values: ModelFlags, opened?: { dir: string; folder: ModelFolder }): Promise<{ folder: ModelFolder; model: CausalLM }> {
  const { quant, kernels } = quantAndKernels(values);
  const threads = numberFlag('threads', values.threads, (n) => Number.isInteger(n) && n > 0, 'must be a whole number > 0');
  const { dir, folder } = opened ?? (await openFolder(values));
  const model = await loadCausalLM(dir, { quant, kernels, ...(threads ? { threads } : {}) });
  for (const adapterDir of values.adapter ?? []) {
    const adapter = readLoraAdapter(adapterDir, { modelConfig: folder.config });
    model.loadAdapter(adapterDir, { scaling: adapter.scaling, modules: adapter.weights });
    model.setActiveAdapter(adapterDir);
  }
  return { folder, model };
}

function readChat(file: string): ChatMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`--chat ${file}: ${(error as Error).message}`);
  }
  const messages = Array.isArray(parsed) ? parsed : (parsed as { messages?: unknown })?.messages;
  if (!Array.isArray(messages) || !messages.every((m) => typeof m?.role === 'string' && typeof m?.content === 'string')) {
    throw new UserError(`--chat ${file} must hold a JSON array of {"role", "content"} messages (or {"messages": [...]}).`);
  }
  return messages as ChatMessage[];
}

/** `qlora generate`: prints only the continuation, as it is generated. */
export async function generateCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...modelOptions,
      prompt: { type: 'string' },
      chat: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'top-k': { type: 'string' },
      'repetition-penalty': { type: 'string' },
      seed: { type: 'string' },
      stop: { type: 'string', multiple: true },
    },
  });
  if ((values.prompt === undefined) === (values.chat === undefined)) throw new UserError('Give either --prompt TEXT or --chat FILE.json.');
  const { folder, model } = await openModel(values);
  try {
    const g = folder.generationConfig;
    const sampled = g.doSample === true;
    const options: Partial<GenerateOptions> = {
      maxNewTokens:
        numberFlag('max-new-tokens', values['max-new-tokens'], (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0') ?? g.maxNewTokens ?? 128,
      temperature: numberFlag('temperature', values.temperature, (n) => n >= 0, 'must be ≥ 0') ?? (sampled ? (g.temperature ?? 1) : 0),
      topP: numberFlag('top-p', values['top-p'], (n) => n > 0 && n <= 1, 'must be in (0, 1]') ?? (sampled ? (g.topP ?? 1) : 1),
      topK: numberFlag('top-k', values['top-k'], (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0') ?? (sampled ? (g.topK ?? 0) : 0),
      repetitionPenalty: numberFlag('repetition-penalty', values['repetition-penalty'], (n) => n > 0, 'must be > 0') ?? g.repetitionPenalty ?? 1,
      seed: numberFlag('seed', values.seed, Number.isInteger, 'must be a whole number') ?? 0,
      stopStrings: values.stop ?? [],
      eosTokenIds: folder.tokenizer.eosTokenIds,
    };
    const prompt =
      values.chat !== undefined ? { kind: 'chat' as const, messages: readChat(values.chat) } : { kind: 'text' as const, text: values.prompt ?? '' };
    const { ids: promptIds } = encodePrompt(
      folder,
      prompt,
      prompt.kind === 'chat' ? chatTemplateOf(folder, values, `--chat ${values.chat} is a conversation, and`) : null,
    );
    const stream = generateTokens(model, folder.tokenizer, promptIds, options);
    let step = await stream.next();
    for (; !step.done; step = await stream.next()) if (!values.json) process.stdout.write(step.value.text);
    if (values.json) console.log(JSON.stringify(step.value));
    else process.stdout.write('\n');
  } finally {
    await model.dispose();
  }
}

/**
 * `qlora score`: loss and perplexity of a dataset file of any type the app reads. Raw texts score
 * every token after the first; chats score what fine-tuning trains, the assistant replies
 * rendered by the model's chat template.
 */
export async function scoreCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...modelOptions, data: { type: 'string' }, separator: { type: 'string' } } });
  if (!values.data) throw new UserError('Name the data to score: --data FILE (JSON lines, JSON, CSV, TSV, Parquet or text).');
  if (!fs.existsSync(values.data)) throw new UserError(`--data ${values.data} does not exist.`);
  const { format, records } = await readTrainingFile(values.data, { separator: textSeparator(values.data, values.separator) });
  const chats = records.filter((r) => r.kind === 'chat');
  // A model with no chat template fails here, before its weights load.
  const opened = await openFolder(values);
  const chatTemplate = chats.length ? chatTemplateOf(opened.folder, values, `${values.data} holds chats, and`) : null;
  const { folder, model } = await openModel(values, opened);
  try {
    const scored = chatTemplate ? 'assistant replies' : 'every token after the first';
    const report = chatTemplate
      ? await scoreExamples(
          model,
          chats.map((record) => tokenizeRecord(record, { tokenizer: folder.tokenizer, chatTemplate, trainOn: 'completions' })),
        )
      : await scoreTexts(
          model,
          folder.tokenizer,
          records.flatMap((r) => (r.kind === 'text' ? [r.text] : [])),
        );
    if (values.json) console.log(JSON.stringify({ ...report, format, records: records.length, scored }));
    else console.log(`tokens ${report.tokens} (${scored})  loss ${report.loss.toFixed(4)}  perplexity ${report.perplexity.toFixed(3)}`);
  } finally {
    await model.dispose();
  }
}

/**
 * The template that renders chats as fine-tuning saw them: --prompt-template, else the one the
 * active (last) --adapter was trained with, else the model's own; a UserError naming what is missing.
 */
function chatTemplateOf(folder: ModelFolder, values: ModelFlags & { 'prompt-template'?: string; 'custom-template'?: string }, what: string): ChatTemplate {
  const template = promptChatTemplate(folder, { adapterDir: values.adapter?.at(-1) ?? null, promptTemplate: promptTemplateFromFlags(values) ?? null });
  if (!template) {
    throw new UserError(
      `${what} this model has no chat template (tokenizer_config.json has no "chat_template"). Name a prompt template with --prompt-template (${promptTemplateIds.filter((id) => id !== 'model').join(', ')}), or use raw text.`,
    );
  }
  return template;
}
