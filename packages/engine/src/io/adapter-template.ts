/**
 * The prompt template an adapter was trained with, kept beside its weights so that every later
 * use prompts it the same way: `prompt_template.json` (which template, for people and the app),
 * `chat_template.jinja` (the exact Jinja source, as recent transformers save it) and the base
 * model's tokenizer files with `chat_template` set in `tokenizer_config.json` (as
 * `tokenizer.save_pretrained` beside a PEFT adapter leaves them), so transformers, PEFT and
 * exports read the same template.
 */
import fs from 'node:fs';
import path from 'node:path';
import { adapterPromptTemplateSchema, type AdapterPromptTemplate, type PromptTemplate } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { asRecord, readJsonFile } from './json-file.js';

export const PROMPT_TEMPLATE_FILE = 'prompt_template.json';
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

/** Tokenizer files copied from the base model as they are (tokenizer_config.json is rewritten). */
const copiedTokenizerFiles = ['tokenizer.json', 'special_tokens_map.json', 'tokenizer.model'];

/**
 * Write the template files into adapter folder `dir`. `chatTemplate` is the Jinja source the
 * adapter was trained with: null when the model has none and no prompt template was chosen
 * (only raw text could train), and then only the tokenizer files are written. With the model's
 * own template the tokenizer files stay as they are (they may hold several named templates).
 */
export function writeAdapterPromptTemplate(dir: string, baseModelDir: string, template: PromptTemplate, chatTemplate: string | null): void {
  for (const name of copiedTokenizerFiles) {
    const from = path.join(baseModelDir, name);
    if (fs.existsSync(from)) writeFileAtomic(path.join(dir, name), fs.readFileSync(from));
  }
  const config = asRecord(readJsonFile(path.join(baseModelDir, 'tokenizer_config.json'), 'TOKENIZER_INVALID')) ?? {};
  const own = template.id === 'model';
  if (chatTemplate !== null && !own) config.chat_template = chatTemplate;
  writeFileAtomic(path.join(dir, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  if (chatTemplate === null) return;
  if (!own) writeFileAtomic(path.join(dir, CHAT_TEMPLATE_FILE), chatTemplate);
  const record: AdapterPromptTemplate = { template, chatTemplate };
  writeFileAtomic(path.join(dir, PROMPT_TEMPLATE_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The template an adapter folder records, or null when it records none (trained on raw text, or by an older version). */
export function readAdapterPromptTemplate(dir: string): AdapterPromptTemplate | null {
  const value = readJsonFile(path.join(dir, PROMPT_TEMPLATE_FILE), 'ADAPTER_INVALID');
  if (value === undefined) return null;
  const parsed = adapterPromptTemplateSchema.safeParse(value);
  if (!parsed.success)
    throw new EngineError(
      'ADAPTER_INVALID',
      `${path.join(dir, PROMPT_TEMPLATE_FILE)} is not a prompt template record: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    );
  return parsed.data;
}
