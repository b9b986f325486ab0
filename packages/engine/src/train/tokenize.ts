/**
 * Tokenizing training records into `inputIds` and `labels`, with completion-only masking.
 *
 * Labels follow the Hugging Face convention: UNSHIFTED, `labels[t] = inputIds[t]` where token
 * t is trained and `IGNORE_INDEX` (-100) where it is not. The loss shifts: the logits at t are
 * scored against `labels[t + 1]`. So `labels[0]` is never a target; it is always -100 here,
 * which keeps trained-token counts exact and lets packing join examples without one example's
 * last token learning to predict the next example's first token.
 */
import { EngineError } from '../errors.js';
import type { AssistantSpan, ChatTemplate } from '../io/chat-template.js';
import type { Tokenizer } from '../io/tokenizer.js';
import type { TrainingRecord } from './data.js';
import { IGNORE_INDEX } from './labels.js';

/** One tokenized example; `labels` is unshifted (see the module comment). */
export interface TokenizedExample {
  inputIds: number[];
  labels: number[];
}

export interface TokenizeOptions {
  tokenizer: Tokenizer;
  /** Needed for chat records (CHAT_TEMPLATE_MISSING otherwise). */
  chatTemplate?: ChatTemplate | null;
  /** 'completions' (default): only assistant turns train in chats; 'all': every token trains. */
  trainOn?: 'completions' | 'all';
  /** Appended to raw text; default the tokenizer's `eos_token`. */
  eosTokenId?: number;
}

/** Why a chat record cannot be tokenized for a model without a chat template, and what to do. */
export const noChatTemplateMessage =
  'This model has no chat template, so chat, instruction and question/answer records need a prompt template to be written out: choose one (Question / Answer, Alpaca, ChatML… or your own) in the Fine-tune form, or with --prompt-template.';

/** How assistant spans were turned into token ranges (reported for tests and diagnostics). */
export type SpanMethod = 'none' | 'pieces' | 'prefix';

function encodeRaw(tokenizer: Tokenizer, text: string): number[] {
  return tokenizer.encode(text, { addSpecialTokens: false });
}

function lcp(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Token ranges [start, end) of character spans in `text`, whose whole encoding is `ids`.
 *
 * 1. Pieces: encode the text cut at every span boundary, piece by piece. For byte-level BPE
 *    whose pre-tokenizer already splits at these boundaries (ChatML's special tokens, "\n"),
 *    the concatenation equals the whole encoding, and the piece lengths give exact ranges.
 * 2. Prefixes (when the pieces differ, e.g. SentencePiece-style normalizers that prepend "▁"
 *    to every piece, or BPE merges across a boundary): the token index of boundary b is the
 *    length of the common prefix of encode(text[0:b]) and the whole encoding. A token that
 *    straddles b is therefore counted after b, so the rule is: a token is in a span when it
 *    ends inside it (a token straddling the span's start trains, one straddling its end not).
 */
export function spansToTokenRanges(
  tokenizer: Tokenizer,
  text: string,
  ids: readonly number[],
  spans: readonly { start: number; end: number }[],
): { ranges: [number, number][]; method: SpanMethod } {
  if (spans.length === 0) return { ranges: [], method: 'none' };
  const bounds = [...new Set([0, ...spans.flatMap((s) => [s.start, s.end]), text.length])].sort((a, b) => a - b);
  const tokenAt = new Map<number, number>();
  const pieces: number[] = [];
  for (let k = 0; k < bounds.length; k++) {
    tokenAt.set(bounds[k]!, pieces.length);
    if (k + 1 < bounds.length) pieces.push(...encodeRaw(tokenizer, text.slice(bounds[k], bounds[k + 1])));
  }
  let method: SpanMethod = 'pieces';
  if (pieces.length !== ids.length || lcp(pieces, ids) !== ids.length) {
    method = 'prefix';
    for (const b of bounds) tokenAt.set(b, b === text.length ? ids.length : lcp(encodeRaw(tokenizer, text.slice(0, b)), ids));
  }
  return { ranges: spans.map((s) => [tokenAt.get(s.start)!, tokenAt.get(s.end)!]), method };
}

/** A chat rendered through the template, with assistant character spans. */
function renderChat(
  record: Extract<TrainingRecord, { kind: 'chat' }>,
  chatTemplate: ChatTemplate | null | undefined,
): { text: string; spans: AssistantSpan[] } {
  if (!chatTemplate) {
    throw new EngineError('CHAT_TEMPLATE_MISSING', noChatTemplateMessage);
  }
  // A copy as plain objects: ChatMessage is an open record type.
  return chatTemplate.renderWithSpans(
    record.messages.map((m) => ({ role: m.role, content: m.content })),
    { tools: toolsOf(record.tools) },
  );
}

/** Tool definitions (kept as JSON text in records) for templates that render them; null when none. */
function toolsOf(tools: string | undefined): unknown[] | null {
  if (tools === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(tools);
    return Array.isArray(parsed) && parsed.length > 0 ? parsed : null;
  } catch {
    // Not JSON: a template could only print it verbatim, which no template expects.
    return null;
  }
}

/**
 * Tokenize one record.
 *
 * - Raw text: BOS as the tokenizer adds it (`encode` with special tokens), then EOS appended
 *   (unless the tokenizer already added it); every token trains.
 * - Chat: rendered by the chat template and encoded WITHOUT added special tokens (templates
 *   write their own BOS, as `apply_chat_template` assumes); with `trainOn: 'completions'` only
 *   tokens of assistant spans (content plus the template's end-of-turn text) train.
 */
export function tokenizeRecord(record: TrainingRecord, options: TokenizeOptions): TokenizedExample & { method: SpanMethod } {
  const { tokenizer } = options;
  const trainOn = options.trainOn ?? 'completions';
  let inputIds: number[];
  let trained: (t: number) => boolean = () => true;
  let method: SpanMethod = 'none';
  if (record.kind === 'text') {
    inputIds = tokenizer.encode(record.text, { addSpecialTokens: true });
    const eos = options.eosTokenId ?? tokenizer.eosTokenIds[0];
    if (eos !== undefined && inputIds[inputIds.length - 1] !== eos) inputIds.push(eos);
  } else {
    const { text, spans } = renderChat(record, options.chatTemplate);
    inputIds = encodeRaw(tokenizer, text);
    if (trainOn === 'completions') {
      const mapped = spansToTokenRanges(tokenizer, text, inputIds, spans);
      method = mapped.method;
      const mask = new Uint8Array(inputIds.length);
      for (const [start, end] of mapped.ranges) mask.fill(1, start, end);
      trained = (t) => mask[t] === 1;
    }
  }
  const labels = inputIds.map((id, t) => (t > 0 && trained(t) ? id : IGNORE_INDEX));
  return { inputIds, labels, method };
}

/** Number of labels that train (are not `IGNORE_INDEX`). */
export function countTrained(labels: readonly number[]): number {
  let n = 0;
  for (const label of labels) if (label !== IGNORE_INDEX) n++;
  return n;
}
