/**
 * Prompt templates for models without a chat template (or to override one): each named format,
 * and a custom one, becomes a Jinja chat template, so training (completion-only masking through
 * `renderWithSpans`), the Playground, scoring and exports all use the one mechanism that
 * transformers, llama.cpp and Ollama read, and an adapter carries the exact template it was
 * trained with (`chat_template.jinja` beside it).
 *
 * Two choices are made per model when a template is built, so the written template is exact:
 * - BOS: a base model saw BOS before plain text only if its tokenizer adds it, so Alpaca,
 *   Question/Answer, ChatML and custom templates open with `bos_token` only then; Llama 2/3 and
 *   Mistral formats always start turns with it (when the tokenizer has one), as theirs do.
 * - EOS: every assistant turn ends with `eos_token`, after the format's own end-of-turn text when
 *   that text is not the EOS token itself, so a base model learns to stop where every runtime
 *   stops (e.g. ChatML's `<|im_end|>` on a model whose EOS is `</s>` is plain text to it).
 */
import { checkCustomTemplate, type PromptTemplate } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';
import { ChatTemplate } from './chat-template.js';
import type { Tokenizer } from './tokenizer.js';

/** What of a tokenizer a template's text depends on. */
export interface TemplateTokens {
  /** The tokenizer puts BOS before plain text (`encode(text, { addSpecialTokens: true })`). */
  addsBos: boolean;
  bos: string | null;
  eos: string | null;
}

export function templateTokensOf(tokenizer: Tokenizer): TemplateTokens {
  const ids = tokenizer.encode('a', { addSpecialTokens: true });
  const addsBos = tokenizer.bosTokenId !== null && ids[0] === tokenizer.bosTokenId;
  return { addsBos, bos: tokenizer.specialTokens.bos, eos: tokenizer.specialTokens.eos };
}

/** A JavaScript string as a Jinja string literal. */
function lit(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

const out = (expression: string): string => `{{- ${expression} -}}`;

/** `bos_token` output when `wanted` and the tokenizer has one. */
const bosOut = (tokens: TemplateTokens, wanted: boolean): string => (wanted && tokens.bos !== null ? out('bos_token') : '');

/** `eos_token` output after an assistant turn whose own end is `turnEnd` (nothing when they are the same token). */
const eosOut = (tokens: TemplateTokens, turnEnd = ''): string => (tokens.eos !== null && tokens.eos !== turnEnd ? out('eos_token') : '');

/** Splits off a leading system message: sets `system_message` ('' when none) and `loop_messages`. */
const splitSystem = [
  "{%- if messages[0]['role'] == 'system' -%}",
  "{%- set system_message = messages[0]['content'] -%}{%- set loop_messages = messages[1:] -%}",
  "{%- else -%}{%- set system_message = '' -%}{%- set loop_messages = messages -%}{%- endif -%}",
].join('');

const refuseRole = (format: string): string =>
  `{%- else -%}${out(`raise_exception(${lit(`The ${format} template has a place for system, user and assistant messages only.`)})`)}`;

/**
 * One turn per user message (`userOut`) and assistant message (`assistantOut`), a system message
 * first (`systemOut`, or `noSystemOut` without one), and `generation` after the last message.
 * Assistant text starts at the first character of `assistantOut`'s output that follows the
 * generation prompt, so keep whitespace that separates it from the prompt inside `assistantOut`.
 */
function turns(
  format: string,
  parts: { bos: string; systemOut: string; noSystemOut?: string; userOut: string; assistantOut: string; generation: string },
): string {
  return [
    parts.bos,
    splitSystem,
    `{%- if system_message != '' -%}${parts.systemOut}${parts.noSystemOut ? `{%- else -%}${parts.noSystemOut}` : ''}{%- endif -%}`,
    '{%- for message in loop_messages -%}',
    `{%- if message['role'] == 'user' -%}${parts.userOut}`,
    `{%- elif message['role'] == 'assistant' -%}${parts.assistantOut}`,
    refuseRole(format),
    '{%- endif -%}{%- endfor -%}',
    `{%- if add_generation_prompt -%}${parts.generation}{%- endif -%}`,
  ].join('\n');
}

/** A user turn after an assistant turn starts on a fresh paragraph. */
const paragraphBeforeLaterUser = `{%- if not loop.first -%}${out(lit('\n\n'))}{%- endif -%}`;

const alpacaPreamble = 'Below is an instruction that describes a task. Write a response that appropriately completes the request.';

function alpaca(tokens: TemplateTokens): string {
  return turns('Alpaca', {
    bos: bosOut(tokens, tokens.addsBos),
    systemOut: out(`system_message + ${lit('\n\n')}`),
    noSystemOut: out(lit(`${alpacaPreamble}\n\n`)),
    userOut: paragraphBeforeLaterUser + out(`${lit('### Instruction:\n')} + message['content'] + ${lit('\n\n')}`),
    assistantOut: out(`${lit('### Response:\n')} + message['content']`) + eosOut(tokens),
    generation: out(lit('### Response:\n')),
  });
}

function questionAnswer(tokens: TemplateTokens): string {
  // The space after "Answer:" belongs to the answer: a prompt ending in a space would be
  // tokenized unlike any training text (SentencePiece joins the space to the next word).
  return turns('Question / Answer', {
    bos: bosOut(tokens, tokens.addsBos),
    systemOut: out(`system_message + ${lit('\n\n')}`),
    userOut: paragraphBeforeLaterUser + out(`${lit('Question: ')} + message['content'] + ${lit('\n')}`),
    assistantOut: out(`${lit('Answer: ')} + message['content']`) + eosOut(tokens),
    generation: out(lit('Answer:')),
  });
}

function chatml(tokens: TemplateTokens): string {
  const end = '<|im_end|>';
  return [
    bosOut(tokens, tokens.addsBos),
    '{%- for message in messages -%}',
    out(`${lit('<|im_start|>')} + message['role'] + ${lit('\n')} + message['content'] + ${lit(end)}`),
    `{%- if message['role'] == 'assistant' -%}${eosOut(tokens, end)}{%- endif -%}`,
    out(lit('\n')),
    '{%- endfor -%}',
    `{%- if add_generation_prompt -%}${out(lit('<|im_start|>assistant\n'))}{%- endif -%}`,
  ].join('\n');
}

function llama3(tokens: TemplateTokens): string {
  const end = '<|eot_id|>';
  return [
    bosOut(tokens, true),
    '{%- for message in messages -%}',
    out(`${lit('<|start_header_id|>')} + message['role'] + ${lit('<|end_header_id|>\n\n')} + message['content'] + ${lit(end)}`),
    `{%- if message['role'] == 'assistant' -%}${eosOut(tokens, end)}{%- endif -%}`,
    '{%- endfor -%}',
    `{%- if add_generation_prompt -%}${out(lit('<|start_header_id|>assistant<|end_header_id|>\n\n'))}{%- endif -%}`,
  ].join('\n');
}

/** Llama 2 chat: every exchange is `<s>[INST] … [/INST] answer </s>`; the system prompt sits in the first. */
function llama2(tokens: TemplateTokens): string {
  const first = `{%- if loop.first and system_message != '' -%}${out(`${lit('[INST] <<SYS>>\n')} + system_message + ${lit('\n<</SYS>>\n\n')} + message['content'] + ${lit(' [/INST]')}`)}`;
  return turns('Llama 2', {
    bos: '',
    systemOut: '',
    userOut: bosOut(tokens, true) + first + `{%- else -%}${out(`${lit('[INST] ')} + message['content'] + ${lit(' [/INST]')}`)}{%- endif -%}`,
    assistantOut: out(`${lit(' ')} + message['content'] + ${lit(' ')}`) + eosOut(tokens),
    generation: '',
  });
}

/** Mistral instruct: `<s>[INST] … [/INST]answer</s>[INST] … [/INST]`; a system prompt opens the first instruction. */
function mistral(tokens: TemplateTokens): string {
  const first = `{%- if loop.first and system_message != '' -%}${out(`${lit('[INST] ')} + system_message + ${lit('\n\n')} + message['content'] + ${lit(' [/INST]')}`)}`;
  return turns('Mistral', {
    bos: bosOut(tokens, true),
    systemOut: '',
    userOut: first + `{%- else -%}${out(`${lit('[INST] ')} + message['content'] + ${lit(' [/INST]')}`)}{%- endif -%}`,
    assistantOut: out(`message['content']`) + eosOut(tokens),
    generation: '',
  });
}

/**
 * A custom template `…{system}…{prompt}…{response}…`: the text before {system} and {system}
 * itself are written only when a record has a system message (one without {system} in the
 * template gets it before the first prompt, then a blank line); the system part ends at the
 * first line break after {system}, and every exchange repeats what follows, on a new line.
 */
function custom(template: string, tokens: TemplateTokens): string {
  const checked = checkCustomTemplate(template);
  if (!checked.ok) throw new EngineError('INVALID_ARGUMENT', checked.message);
  const [head, rest] = split(template, '{prompt}');
  const [between, after] = split(rest, '{response}');
  const [beforeSystem, afterSystem] = head.includes('{system}') ? split(head, '{system}') : ['', `\n\n${head}`];
  // The system part ends at its first line break (with the blank lines after it); what follows opens every exchange.
  const systemEnd = /^[^\n]*\n\s*/.exec(afterSystem)?.[0] ?? /^\s*/.exec(afterSystem)![0];
  const userHead = afterSystem.slice(systemEnd.length);
  // Spaces at the end of the prompt part go with the response (see questionAnswer).
  const generation = between.replace(/[ \t]+$/, '');
  const responseLead = between.slice(generation.length);
  const separator = after.endsWith('\n') ? '' : '\n';
  return turns('custom', {
    bos: bosOut(tokens, tokens.addsBos),
    systemOut: out(`${lit(beforeSystem)} + system_message + ${lit(systemEnd)}`),
    userOut: `{%- if not loop.first -%}${out(lit(separator))}{%- endif -%}` + out(`${lit(userHead)} + message['content'] + ${lit(generation)}`),
    assistantOut: out(`${lit(responseLead)} + message['content'] + ${lit(after)}`) + eosOut(tokens),
    generation: '',
  });
}

function split(text: string, placeholder: string): [string, string] {
  const at = text.indexOf(placeholder);
  return [text.slice(0, at), text.slice(at + placeholder.length)];
}

/** The Jinja source of a prompt template for a tokenizer; null for `model` (the model's own). */
export function promptTemplateSource(template: PromptTemplate, tokens: TemplateTokens): string | null {
  switch (template.id) {
    case 'model':
      return null;
    case 'alpaca':
      return alpaca(tokens);
    case 'question-answer':
      return questionAnswer(tokens);
    case 'chatml':
      return chatml(tokens);
    case 'llama2':
      return llama2(tokens);
    case 'llama3':
      return llama3(tokens);
    case 'mistral':
      return mistral(tokens);
    case 'custom':
      return custom(template.template, tokens);
  }
}

/**
 * The chat template to render records with: the prompt template's when one other than `model`
 * is given, else the model's own (null when it has none; chats then cannot be rendered).
 */
export function chatTemplateFor(folder: { tokenizer: Tokenizer; chatTemplate: string | null }, template?: PromptTemplate | null): ChatTemplate | null {
  const source = template ? promptTemplateSource(template, templateTokensOf(folder.tokenizer)) : null;
  if (source !== null) return new ChatTemplate(source, folder.tokenizer.specialTokens);
  if (template?.id === 'model' && folder.chatTemplate === null) {
    throw new EngineError(
      'CHAT_TEMPLATE_MISSING',
      'This model has no chat template of its own: choose a prompt template (Alpaca, Question / Answer, ChatML, … or custom).',
    );
  }
  return folder.chatTemplate === null ? null : new ChatTemplate(folder.chatTemplate, folder.tokenizer.specialTokens);
}
