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
  scoreTexts,
  type CausalLM,
  type ChatMessage,
  type GenerateOptions,
  type ModelFolder,
} from '@qlora-studio/engine';
import { defaultHome } from '../config.js';
import { UserError } from './serve.js';

const modelOptions = {
  model: { type: 'string' },
  adapter: { type: 'string', multiple: true },
  quant: { type: 'string' },
  threads: { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function numberFlag(name: string, raw: string | undefined, check: (n: number) => boolean, rule: string): number | undefined {
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
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[KDownloading ${p.file} (${p.fileIndex + 1}/${p.fileCount}): ${Math.round((100 * p.bytes) / Math.max(1, p.totalBytes))}%`);
    },
  }).finally(() => process.stderr.isTTY && process.stderr.write('\r\x1b[K'));
}

/** Load the model (and its adapters, each named by its folder; the last one given is active). */
async function openModel(values: { model?: string; adapter?: string[]; quant?: string; threads?: string; home?: string }): Promise<{ folder: ModelFolder; model: CausalLM }> {
  const quant = values.quant ?? 'nf4';
  if (quant !== 'nf4' && quant !== 'none') throw new UserError(`--quant must be nf4 or none, not "${quant}".`);
  const threads = numberFlag('threads', values.threads, (n) => Number.isInteger(n) && n > 0, 'must be a whole number > 0');
  const dir = await resolveModel(values.model, values.home ?? defaultHome());
  const folder = loadModelFolder(dir);
  folder.weights.close();
  const model = await loadCausalLM(dir, { quant, ...(threads ? { threads } : {}) });
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
      maxNewTokens: numberFlag('max-new-tokens', values['max-new-tokens'], (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0') ?? g.maxNewTokens ?? 128,
      temperature: numberFlag('temperature', values.temperature, (n) => n >= 0, 'must be ≥ 0') ?? (sampled ? (g.temperature ?? 1) : 0),
      topP: numberFlag('top-p', values['top-p'], (n) => n > 0 && n <= 1, 'must be in (0, 1]') ?? (sampled ? (g.topP ?? 1) : 1),
      topK: numberFlag('top-k', values['top-k'], (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0') ?? (sampled ? (g.topK ?? 0) : 0),
      repetitionPenalty: numberFlag('repetition-penalty', values['repetition-penalty'], (n) => n > 0, 'must be > 0') ?? g.repetitionPenalty ?? 1,
      seed: numberFlag('seed', values.seed, Number.isInteger, 'must be a whole number') ?? 0,
      stopStrings: values.stop ?? [],
      eosTokenIds: folder.tokenizer.eosTokenIds,
    };
    const { ids: promptIds } = encodePrompt(folder, values.chat !== undefined ? { kind: 'chat', messages: readChat(values.chat) } : { kind: 'text', text: values.prompt ?? '' });
    const stream = generateTokens(model, folder.tokenizer, promptIds, options);
    let step = await stream.next();
    for (; !step.done; step = await stream.next()) if (!values.json) process.stdout.write(step.value.text);
    if (values.json) console.log(JSON.stringify(step.value));
    else process.stdout.write('\n');
  } finally {
    await model.dispose();
  }
}

/** Texts to score: `text` of each JSON line, or documents of a .txt file separated by blank lines or <|endoftext|>. */
function readTexts(file: string): string[] {
  if (!fs.existsSync(file)) throw new UserError(`--data ${file} does not exist.`);
  const content = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.jsonl')) {
    return content.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new UserError(`${file} line ${i + 1} is not valid JSON: ${(error as Error).message}`);
      }
      const text = (record as { text?: unknown })?.text;
      if (typeof text !== 'string') throw new UserError(`${file} line ${i + 1} has no "text" string.`);
      return [text];
    });
  }
  const separator = content.includes('<|endoftext|>') ? /<\|endoftext\|>/ : /\n\s*\n/;
  return content.split(separator).map((t) => t.trim()).filter(Boolean);
}

/** `qlora score`: loss and perplexity of a dataset (every token after the first of each text). */
export async function scoreCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { ...modelOptions, data: { type: 'string' } } });
  if (!values.data) throw new UserError('Name the data to score: --data FILE.jsonl (lines with "text") or FILE.txt.');
  const texts = readTexts(values.data);
  const { folder, model } = await openModel(values);
  try {
    const report = await scoreTexts(model, folder.tokenizer, texts);
    if (values.json) console.log(JSON.stringify(report));
    else console.log(`tokens ${report.tokens}  loss ${report.loss.toFixed(4)}  perplexity ${report.perplexity.toFixed(3)}`);
  } finally {
    await model.dispose();
  }
}
