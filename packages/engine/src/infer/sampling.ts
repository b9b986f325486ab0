import type { Rng } from '../util/random.js';

/** How the next token is chosen. temperature 0 means greedy (argmax). */
export interface SamplingOptions {
  temperature: number;
  /** Keep only the k most likely tokens; 0 disables. */
  topK: number;
  /** Keep the smallest set of tokens whose probability sums to at least p; 1 disables. */
  topP: number;
  /** > 1 discourages tokens already present (CTRL paper, as transformers applies it); 1 disables. */
  repetitionPenalty: number;
}

export const greedy: SamplingOptions = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** In place: divide positive logits of seen tokens by the penalty, multiply negative ones. */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(seen)) {
    const value = logits[id]!;
    logits[id] = value > 0 ? value / penalty : value * penalty;
  }
}

/** Numerically stable log-softmax of one row. */
export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logZ;
  return out;
}

/**
 * The candidate tokens and their probabilities after temperature, top-k and top-p, in the order
 * transformers applies them; sorted by descending probability.
 */
export function candidateDistribution(logits: Float32Array, options: SamplingOptions): { ids: Int32Array; probs: Float64Array } {
  // Tokens e^40 times less likely than the best cannot move any float64 sum below: leaving them
  // out spares sorting the whole vocabulary for every generated token.
  let best = -Infinity;
  for (const v of logits) if (v > best) best = v;
  const floor = best - 40 * options.temperature;
  const order: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i]! >= floor) order.push(i);
  order.sort((a, b) => logits[b]! - logits[a]! || a - b);
  let keep = options.topK > 0 ? Math.min(options.topK, order.length) : order.length;
  const scaled = new Float64Array(keep);
  const max = logits[order[0]!]! / options.temperature;
  let sum = 0;
  for (let i = 0; i < keep; i++) {
    scaled[i] = Math.exp(logits[order[i]!]! / options.temperature - max);
    sum += scaled[i]!;
  }
  if (options.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < keep; i++) {
      cumulative += scaled[i]! / sum;
      if (cumulative >= options.topP) {
        keep = i + 1; // the token that crosses p stays, so at least one token always remains
        break;
      }
    }
  }
  let kept = 0;
  for (let i = 0; i < keep; i++) kept += scaled[i]!;
  const ids = new Int32Array(keep);
  const probs = new Float64Array(keep);
  for (let i = 0; i < keep; i++) {
    ids[i] = order[i]!;
    probs[i] = scaled[i]! / kept;
  }
  return { ids, probs };
}

/**
 * Choose the next token from the last position's logits. `seen` are the ids the repetition
 * penalty looks at (prompt and generated). Does not modify `logits`.
 */
export function sampleNextToken(logits: Float32Array, seen: readonly number[], options: SamplingOptions, rng: Rng): number {
  const work = Float32Array.from(logits);
  applyRepetitionPenalty(work, seen, options.repetitionPenalty);
  if (options.temperature <= 0) return argmax(work);
  const { ids, probs } = candidateDistribution(work, options);
  const u = rng();
  let cumulative = 0;
  for (let i = 0; i < ids.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return ids[i]!;
  }
  return ids[ids.length - 1]!;
}
