import { EngineError } from '../errors.js';
import { seededRng } from '../util/random.js';
import type { CausalLM, TextCodec } from './causal-lm.js';
import { sampleNextToken, type SamplingOptions } from './sampling.js';

export type FinishReason = 'eos' | 'stop' | 'length' | 'aborted';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Same seed, same model, same prompt → the same tokens. */
  seed: number;
  /** Generation ends before any of these strings; they are not part of the output. */
  stopStrings: readonly string[];
  /** Generation ends at any of these ids (not part of the output). */
  eosTokenIds: readonly number[];
  signal?: AbortSignal;
}

export interface GenerationChunk {
  tokenId: number;
  /** New text, safe to show: complete characters, and nothing that might become a stop string. */
  text: string;
}

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  finishReason: FinishReason;
  promptTokens: number;
  timeToFirstTokenMs: number;
  /** Prompt tokens per second during prefill. */
  prefillTokensPerSecond: number;
  /** Generated tokens per second after the first. */
  decodeTokensPerSecond: number;
}

export const defaultGenerateOptions: GenerateOptions = {
  temperature: 0,
  topK: 0,
  topP: 1,
  repetitionPenalty: 1,
  maxNewTokens: 128,
  seed: 0,
  stopStrings: [],
  eosTokenIds: [],
};

/** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
function pendingStopLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

function validate(options: GenerateOptions, promptIds: readonly number[], model: CausalLM): void {
  const bad = (what: string) => {
    throw new EngineError('INVALID_ARGUMENT', what);
  };
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0) bad(`maxNewTokens must be a whole number ≥ 0, not ${options.maxNewTokens}.`);
  if (!(options.temperature >= 0)) bad(`temperature must be ≥ 0, not ${options.temperature}.`);
  if (!(options.topP > 0 && options.topP <= 1)) bad(`topP must be in (0, 1], not ${options.topP}.`);
  if (!Number.isInteger(options.topK) || options.topK < 0) bad(`topK must be a whole number ≥ 0, not ${options.topK}.`);
  if (!(options.repetitionPenalty > 0)) bad(`repetitionPenalty must be > 0, not ${options.repetitionPenalty}.`);
  if (promptIds.length === 0) bad('The prompt has no tokens: give a prompt, or a model whose tokenizer adds a BOS token.');
  const room = model.config.maxPositionEmbeddings;
  if (promptIds.length >= room) bad(`The prompt has ${promptIds.length} tokens; this model handles at most ${room}.`);
}

/**
 * Generate a continuation of `promptIds`, streaming each token with the text it completes.
 * The model's cache is reset first. The generator's return value is the whole result.
 */
export async function* generateTokens(
  model: CausalLM,
  codec: TextCodec,
  promptIds: readonly number[],
  partial: Partial<GenerateOptions> = {},
): AsyncGenerator<GenerationChunk, GenerationResult> {
  const options = { ...defaultGenerateOptions, ...partial };
  validate(options, promptIds, model);
  const rng = seededRng(options.seed);
  const limit = Math.min(options.maxNewTokens, model.config.maxPositionEmbeddings - promptIds.length);
  const seen = [...promptIds];
  const generated: number[] = [];
  let emitted = 0; // characters of the decoded text already streamed
  let finishReason: FinishReason = 'length';
  let text = '';

  model.resetCache();
  const start = performance.now();
  let logits = await model.forward(promptIds);
  const prefillMs = performance.now() - start;
  let firstTokenAt = 0;

  while (generated.length < limit) {
    if (options.signal?.aborted) {
      finishReason = 'aborted';
      break;
    }
    const next = sampleNextToken(logits, seen, options, rng);
    if (generated.length === 0) firstTokenAt = performance.now();
    if (options.eosTokenIds.includes(next)) {
      finishReason = 'eos';
      break;
    }
    generated.push(next);
    seen.push(next);
    text = codec.decode(generated, { skipSpecialTokens: true });
    const stopAt = Math.min(...options.stopStrings.map((s) => (s ? text.indexOf(s, Math.max(0, emitted - s.length)) : -1)).filter((i) => i >= 0));
    if (Number.isFinite(stopAt)) {
      text = text.slice(0, stopAt);
      if (stopAt > emitted) yield { tokenId: next, text: text.slice(emitted) };
      emitted = text.length;
      finishReason = 'stop';
      break;
    }
    // Hold back an incomplete character (U+FFFD from a partial byte sequence) and a possible stop-string start.
    let safe = text.length - pendingStopLength(text, options.stopStrings);
    while (safe > emitted && text.charCodeAt(safe - 1) === 0xfffd) safe--;
    yield { tokenId: next, text: text.slice(emitted, Math.max(emitted, safe)) };
    emitted = Math.max(emitted, safe);
    if (generated.length < limit) logits = await model.forward([next]);
  }
  const end = performance.now();
  if (finishReason !== 'stop') text = codec.decode(generated, { skipSpecialTokens: true });
  const decodeCount = Math.max(0, generated.length - 1);
  return {
    text,
    tokenIds: generated,
    finishReason,
    promptTokens: promptIds.length,
    timeToFirstTokenMs: (firstTokenAt || end) - start,
    prefillTokensPerSecond: promptIds.length / (prefillMs / 1000),
    decodeTokensPerSecond: decodeCount > 0 && firstTokenAt ? decodeCount / ((end - firstTokenAt) / 1000) : 0,
  };
}

/** Generate without streaming. */
export async function generate(
  model: CausalLM,
  codec: TextCodec,
  promptIds: readonly number[],
  options: Partial<GenerateOptions> = {},
): Promise<GenerationResult> {
  const stream = generateTokens(model, codec, promptIds, options);
  for (;;) {
    const step = await stream.next();
    if (step.done) return step.value;
  }
}
