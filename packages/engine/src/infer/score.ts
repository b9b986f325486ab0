import { EngineError } from '../errors.js';
import { IGNORE_INDEX } from '../train/labels.js';
import type { CausalLM, TextCodec } from './causal-lm.js';
import { argmax, logSoftmax } from './sampling.js';

export interface TokenScores {
  /** How many tokens were scored. */
  tokens: number;
  /** Sum of −log p over the scored tokens (nats). */
  nll: number;
}

export interface LossReport {
  tokens: number;
  /** Mean negative log-likelihood per scored token (nats): the causal-LM loss. */
  loss: number;
  perplexity: number;
}

export function toLossReport(scores: TokenScores): LossReport {
  const loss = scores.tokens > 0 ? scores.nll / scores.tokens : NaN;
  return { tokens: scores.tokens, loss, perplexity: Math.exp(loss) };
}

/**
 * Score `ids[from..]` given everything before it. Long inputs are cut into windows that fit the
 * model; each window after the first starts afresh, so its first token is conditioned only on
 * the window (scored tokens are never lost, context is).
 */
export async function scoreTokenIds(model: CausalLM, ids: readonly number[], from = 1): Promise<TokenScores & { greedy: boolean }> {
  if (from < 1) throw new EngineError('INVALID_ARGUMENT', 'The first token has no context to be scored in; start at 1 or later.');
  return scoreWhere(model, ids, (position) => position >= from);
}

/**
 * Score the tokens of tokenized examples that carry a label (those that would train: a chat's
 * assistant replies, all of a raw text), as the training loss counts them.
 */
export async function scoreExamples(
  model: CausalLM,
  examples: Iterable<{ inputIds: readonly number[]; labels: readonly number[] }>,
  signal?: AbortSignal,
): Promise<LossReport> {
  const total: TokenScores = { tokens: 0, nll: 0 };
  for (const { inputIds, labels } of examples) {
    throwIfAborted(signal);
    const scores = await scoreWhere(model, inputIds, (position) => labels[position] !== IGNORE_INDEX);
    total.tokens += scores.tokens;
    total.nll += scores.nll;
  }
  if (total.tokens === 0) throw new EngineError('INVALID_ARGUMENT', 'Nothing to score: no example has a token that trains.');
  return toLossReport(total);
}

/** −log p of each token at a position `scored` picks (never the first: it has no context), window by window. */
async function scoreWhere(model: CausalLM, ids: readonly number[], scored: (position: number) => boolean): Promise<TokenScores & { greedy: boolean }> {
  const window = model.config.maxPositionEmbeddings;
  let nll = 0;
  let tokens = 0;
  let greedy = true;
  for (let start = 0; start < ids.length - 1; start += window - 1) {
    const chunk = ids.slice(start, start + window);
    if (chunk.length < 2) break;
    model.resetCache();
    const logits = await model.forward(chunk, { allLogits: true });
    const V = model.config.vocabSize;
    // logits: (T, V); position t predicts token t+1.
    for (let t = 0; t + 1 < chunk.length; t++) {
      if (!scored(start + t + 1)) continue;
      const row = logits.subarray(t * V, (t + 1) * V);
      const target = chunk[t + 1]!;
      nll -= logSoftmax(row)[target]!;
      if (argmax(row) !== target) greedy = false;
      tokens += 1;
    }
  }
  return { tokens, nll, greedy };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('Scoring was canceled.'), { name: 'AbortError' });
}

/**
 * Log-likelihood of `continuation` after `context` (the building block of multiple-choice
 * evaluation): context and continuation are tokenized apart, as lm-evaluation-harness does, so
 * the continuation's tokens are the same whatever context precedes them.
 */
export async function logLikelihood(
  model: CausalLM,
  codec: TextCodec,
  context: string,
  continuation: string,
): Promise<{ logLikelihood: number; tokens: number; isGreedy: boolean }> {
  const contextIds = codec.encode(context, { addSpecialTokens: true });
  const continuationIds = codec.encode(continuation, { addSpecialTokens: false });
  if (continuationIds.length === 0) throw new EngineError('INVALID_ARGUMENT', 'The continuation is empty: there is nothing to score.');
  if (contextIds.length === 0)
    throw new EngineError('INVALID_ARGUMENT', 'The context has no tokens and the tokenizer adds no BOS: the first token cannot be scored.');
  const scores = await scoreTokenIds(model, [...contextIds, ...continuationIds], contextIds.length);
  return { logLikelihood: -scores.nll, tokens: scores.tokens, isGreedy: scores.greedy };
}

/** Loss and perplexity of texts: every token after the first of each text is scored. */
export async function scoreTexts(model: CausalLM, codec: TextCodec, texts: Iterable<string>, signal?: AbortSignal): Promise<LossReport> {
  const total: TokenScores = { tokens: 0, nll: 0 };
  for (const text of texts) {
    throwIfAborted(signal);
    const scores = await scoreTokenIds(model, codec.encode(text, { addSpecialTokens: true }));
    total.tokens += scores.tokens;
    total.nll += scores.nll;
  }
  if (total.tokens === 0) throw new EngineError('INVALID_ARGUMENT', 'Nothing to score: every text is shorter than two tokens.');
  return toLossReport(total);
}
