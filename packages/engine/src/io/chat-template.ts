import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { EngineError } from '../errors.js';
import { asRecord, readJsonFile } from './json-file.js';
import type { SpecialTokens } from './tokenizer.js';

/** One chat message as chat templates see it: `role`, `content`, and any other fields (tool_calls...). */
export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

export interface ChatRenderOptions {
  /** End with the header that opens the assistant's reply (for generation). Default false. */
  addGenerationPrompt?: boolean;
  /** Tool (function) definitions, JSON-schema style, for templates that support them. */
  tools?: readonly unknown[] | null;
  /** A named template of a multi-template tokenizer_config.json ("default", "tool_use"...). */
  templateName?: string;
  /** Extra template variables (e.g. `enable_thinking`). */
  variables?: Record<string, unknown>;
}

/** Where one assistant message sits in a rendered conversation: characters [start, end). */
export interface AssistantSpan {
  messageIndex: number;
  start: number;
  end: number;
}

function readJinjaFile(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The chat templates a `tokenizer_config.json` declares, by name: `chat_template` is either one
 * template (named "default") or a list of `{name, template}`.
 */
export function chatTemplatesFromConfig(tokenizerConfig: unknown): Map<string, string> {
  const value = asRecord(tokenizerConfig)?.chat_template;
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set('default', value);
  else if (Array.isArray(value)) {
    for (const entry of value) {
      const record = asRecord(entry);
      if (typeof record?.name === 'string' && typeof record.template === 'string') out.set(record.name, record.template);
    }
  }
  return out;
}

/**
 * The chat templates of a model folder, by name. As in transformers, a `chat_template.jinja`
 * file (what recent versions save) wins over `tokenizer_config.json`'s `chat_template`; a
 * processor-style `chat_template.json` is read last. Empty when the model has none.
 */
export function readChatTemplates(dir: string): Map<string, string> {
  const fromConfig = chatTemplatesFromConfig(readJsonFile(path.join(dir, 'tokenizer_config.json'), 'TOKENIZER_INVALID'));
  const jinja = readJinjaFile(path.join(dir, 'chat_template.jinja'));
  if (jinja !== null) fromConfig.set('default', jinja);
  if (fromConfig.size === 0) {
    const json = asRecord(readJsonFile(path.join(dir, 'chat_template.json'), 'TOKENIZER_INVALID'));
    if (typeof json?.chat_template === 'string') fromConfig.set('default', json.chat_template);
  }
  return fromConfig;
}

/**
 * A model's chat template(s), rendered with `@huggingface/jinja` the way transformers'
 * `apply_chat_template` does: `messages`, `add_generation_prompt`, `tools`, the special token
 * strings (`bos_token`, `eos_token`...) and `raise_exception`.
 */
export class ChatTemplate {
  private readonly parsed = new Map<string, { template: Template; source: string }>();
  /** Template variables for the special tokens: `bos_token`, `eos_token`... */
  private readonly tokenVariables: Record<string, unknown>;

  /**
   * @param templates one template source, or several by name ("default" is used unless asked otherwise)
   * @param specialTokens the tokenizer's special token strings, exposed to the template
   */
  constructor(templates: string | ReadonlyMap<string, string>, specialTokens: Partial<SpecialTokens> = {}) {
    const sources = typeof templates === 'string' ? new Map([['default', templates]]) : templates;
    if (sources.size === 0) throw new EngineError('CHAT_TEMPLATE_MISSING', 'No chat template was given.');
    for (const [name, source] of sources) {
      try {
        this.parsed.set(name, { template: new Template(source), source });
      } catch (error) {
        throw new EngineError('CHAT_TEMPLATE_FAILED', `The chat template "${name}" could not be parsed: ${(error as Error).message}`, { cause: error });
      }
    }
    this.tokenVariables = {};
    for (const key of ['bos', 'eos', 'pad', 'unk'] as const) {
      const token = specialTokens[key];
      if (typeof token === 'string') this.tokenVariables[`${key}_token`] = token;
    }
    if (specialTokens.additional) this.tokenVariables.additional_special_tokens = specialTokens.additional;
  }

  /** The chat template of a model folder; CHAT_TEMPLATE_MISSING when it has none. */
  static fromFolder(dir: string, specialTokens: Partial<SpecialTokens> = {}): ChatTemplate {
    const templates = readChatTemplates(dir);
    if (templates.size === 0) {
      throw new EngineError('CHAT_TEMPLATE_MISSING', `${dir} has no chat template (neither chat_template.jinja nor "chat_template" in tokenizer_config.json).`);
    }
    return new ChatTemplate(templates, specialTokens);
  }

  /** The `eos_token` string the template sees, if any. */
  get eosToken(): string | undefined {
    const eos = this.tokenVariables.eos_token;
    return typeof eos === 'string' ? eos : undefined;
  }

  /** The Jinja source of a template held (default: the one `render` uses without options). */
  source(options: Pick<ChatRenderOptions, 'templateName'> = {}): string {
    return this.pick(options).source;
  }

  /** Names of the templates held ("default", and e.g. "tool_use"). */
  get names(): string[] {
    return [...this.parsed.keys()];
  }

  /** Render a conversation to the text the model sees. */
  render(messages: readonly ChatMessage[], options: ChatRenderOptions = {}): string {
    const { template, source } = this.pick(options);
    try {
      return template.render({
        ...this.tokenVariables,
        ...options.variables,
        messages: messages.map((m) => ({ ...m })),
        add_generation_prompt: options.addGenerationPrompt ?? false,
        tools: options.tools ?? null,
        documents: null,
      });
    } catch (error) {
      // The library's own raise_exception throws a plain Error with the template's message (it
      // cannot be replaced): when that message is written in the template, the template refused.
      const message = (error as Error).message;
      const refused = source.includes('raise_exception') && message.length > 0 && source.includes(message.split('\n')[0]!);
      const why = refused ? `the template refused these messages: "${message}"` : `rendering failed: ${message}`;
      throw new EngineError('CHAT_TEMPLATE_FAILED', `Chat template: ${why}`, { cause: error });
    }
  }

  /**
   * Render a conversation (no generation prompt) and find each assistant message in it, for
   * training on completions only. See `findAssistantSpans` below for how.
   */
  renderWithSpans(messages: readonly ChatMessage[], options: Omit<ChatRenderOptions, 'addGenerationPrompt'> = {}): { text: string; spans: AssistantSpan[] } {
    return findAssistantSpans(this, messages, options);
  }

  private pick(options: ChatRenderOptions): { template: Template; source: string } {
    const name = options.templateName ?? (options.tools && options.tools.length > 0 && this.parsed.has('tool_use') ? 'tool_use' : 'default');
    const template = this.parsed.get(name) ?? (options.templateName === undefined && this.parsed.size === 1 ? [...this.parsed.values()][0] : undefined);
    if (!template) {
      throw new EngineError('CHAT_TEMPLATE_MISSING', `This model has no chat template named "${name}"; it has ${this.names.map((n) => `"${n}"`).join(', ')}.`);
    }
    return template;
  }
}

// Assistant spans: defined here (not in their own file) because they need nothing but `render`.

/** Characters of the private use area that no real message contains, around a message index. */
const sentinel = (i: number): string => `\uE000${i}\uE001`;

/**
 * Find where each assistant message is in the rendered conversation.
 *
 * 1. By prefixes (preferred): render the messages before it with the generation prompt (P),
 *    and the messages up to and including it without (F). When the full text starts with F
 *    and F starts with P, the message is F minus P: its content *and* the template's
 *    end-of-turn text (`<|im_end|>`, `</s>`, `<|eot_id|>`), which a model must learn to emit.
 *    This works for any template whose earlier turns render the same whatever follows them.
 * 2. By sentinels (fallback, for templates that render a turn differently once later turns
 *    exist): render with each string content replaced by a unique marker, locate the markers,
 *    put the real contents back and check that this gives exactly the real text; the span is
 *    the content, extended over an immediately following `eos_token`.
 *
 * Throws CHAT_TEMPLATE_FAILED when neither way accounts for a message.
 */
function findAssistantSpans(
  template: ChatTemplate,
  messages: readonly ChatMessage[],
  options: Omit<ChatRenderOptions, 'addGenerationPrompt'>,
): { text: string; spans: AssistantSpan[] } {
  const text = template.render(messages, { ...options, addGenerationPrompt: false });
  const tryRender = (upTo: number, addGenerationPrompt: boolean): string | null => {
    try {
      return template.render(messages.slice(0, upTo), { ...options, addGenerationPrompt });
    } catch {
      return null;
    }
  };
  const spans: AssistantSpan[] = [];
  let bySentinel: Map<number, AssistantSpan> | null | undefined;
  messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    const before = tryRender(i, true);
    const through = i === messages.length - 1 ? text : tryRender(i + 1, false);
    if (before !== null && through !== null && text.startsWith(through) && through.startsWith(before) && through.length > before.length) {
      spans.push({ messageIndex: i, start: before.length, end: through.length });
      return;
    }
    if (bySentinel === undefined) bySentinel = spansBySentinel(template, messages, options, text);
    const span = bySentinel?.get(i);
    if (!span) {
      throw new EngineError(
        'CHAT_TEMPLATE_FAILED',
        `Chat template: cannot tell where assistant message ${i} is in the rendered conversation, so its completion cannot be marked for training.`,
      );
    }
    spans.push(span);
  });
  for (let k = 1; k < spans.length; k++) {
    if (spans[k]!.start < spans[k - 1]!.end) {
      throw new EngineError(
        'CHAT_TEMPLATE_FAILED',
        `Chat template: assistant messages ${spans[k - 1]!.messageIndex} and ${spans[k]!.messageIndex} overlap in the rendered conversation.`,
      );
    }
  }
  return { text, spans };
}

function spansBySentinel(
  template: ChatTemplate,
  messages: readonly ChatMessage[],
  options: Omit<ChatRenderOptions, 'addGenerationPrompt'>,
  text: string,
): Map<number, AssistantSpan> | null {
  const replaced = messages.map((m, i) => (m.role === 'assistant' && typeof m.content === 'string' ? { ...m, content: sentinel(i) } : m));
  let marked: string;
  try {
    marked = template.render(replaced, { ...options, addGenerationPrompt: false });
  } catch {
    return null;
  }
  const found: { index: number; at: number }[] = [];
  replaced.forEach((m, i) => {
    if (m === messages[i]) return;
    const at = marked.indexOf(sentinel(i));
    if (at >= 0 && marked.indexOf(sentinel(i), at + 1) < 0) found.push({ index: i, at });
  });
  found.sort((a, b) => a.at - b.at);
  const eos = template.eosToken;
  // Templates may trim contents, so try the contents as given, then trimmed.
  for (const transform of [(s: string) => s, (s: string) => s.trim()]) {
    let rebuilt = '';
    let from = 0;
    const spans = new Map<number, AssistantSpan>();
    for (const { index, at } of found) {
      const content = transform(messages[index]!.content as string);
      rebuilt += marked.slice(from, at);
      const start = rebuilt.length;
      rebuilt += content;
      spans.set(index, { messageIndex: index, start, end: rebuilt.length });
      from = at + sentinel(index).length;
    }
    rebuilt += marked.slice(from);
    if (rebuilt !== text) continue;
    if (eos) {
      for (const span of spans.values()) {
        const gap = /^\s*/.exec(text.slice(span.end))![0].length;
        if (text.startsWith(eos, span.end + gap)) span.end += gap + eos.length;
      }
    }
    return spans;
  }
  return null;
}
