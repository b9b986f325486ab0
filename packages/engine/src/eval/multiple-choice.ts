/**
 * Multiple-choice evaluation by log-likelihood, as lm-evaluation-harness scores it: each choice
 * is a continuation of the prompt, and its score is the sum of the log-probabilities of its
 * tokens. The continuation's tokens are the tail of the encoding of prompt + continuation after
 * the encoding of the prompt (so a choice tokenizes as it would in running text, and a space at
 * the end of the prompt moves to the choices), and the prompt is encoded as generation encodes it
 * (with the tokenizer's BOS), so a score and a Playground reply see the same tokens.
 *
 * Speed: here the prompt runs once per item and every choice continues from its saved KV cache;
 * `scoreItems` (packing.ts) scores many items per graph run and is what evaluations use.
 */
import { EngineError } from '../errors.js';
import type { CausalLM, TextCodec } from '../infer/causal-lm.js';
import { logSoftmax } from '../infer/sampling.js';

/** Index of the largest value, the first on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** A continuation's score. */
export interface ContinuationScore {
  /** Σ log p of its tokens (nats). */
  logprob: number;
  tokens: number;
  /** Whether every token was the model's argmax (lm-evaluation-harness's `is_greedy`). */
  greedy: boolean;
}

/** A choice's score: its text as continued, and the length `accuracy_norm` divides by. */
export interface ChoiceScore extends ContinuationScore {
  text: string;
  /** Characters of the continuation (`accuracy_norm` divides the log-probability by this). */
  chars: number;
}

/**
 * The prompt as scored: checked, and keeping only its last tokens when prompt + the longest
 * continuation (whose last token is only predicted, never fed) exceed `maxPositions` — the left
 * truncation of lm-evaluation-harness.
 */
export function fittedPrompt(maxPositions: number, promptIds: readonly number[], continuations: readonly (readonly number[])[]): readonly number[] {
  if (promptIds.length === 0)
    throw new EngineError('INVALID_ARGUMENT', 'The prompt has no tokens and the tokenizer adds no BOS: the first token cannot be scored.');
  const longest = continuations.reduce((n, c) => Math.max(n, c.length), 0);
  if (continuations.some((c) => c.length === 0)) throw new EngineError('INVALID_ARGUMENT', 'A continuation has no tokens: there is nothing to score.');
  const room = maxPositions - (longest - 1);
  if (room < 1) throw new EngineError('INVALID_ARGUMENT', `A continuation of ${longest} tokens does not fit the model's ${maxPositions} positions.`);
  return promptIds.slice(-room);
}

/**
 * Scores token continuations after one prompt: the prompt runs once, each continuation from the
 * saved cache. A prompt too long for the model keeps its last tokens (as lm-evaluation-harness
 * truncates from the left).
 */
export async function scoreContinuationIds(
  model: CausalLM,
  promptIds: readonly number[],
  continuations: readonly (readonly number[])[],
): Promise<ContinuationScore[]> {
  const prompt = fittedPrompt(model.config.maxPositionEmbeddings, promptIds, continuations);
  const V = model.config.vocabSize;
  model.resetCache();
  const next = logSoftmax(await model.forward(prompt)); // (V): what follows the prompt
  const greedyNext = argmax(next);
  const afterPrompt = model.saveCache();
  const scores: ContinuationScore[] = [];
  for (const ids of continuations) {
    let logprob = next[ids[0]!]!;
    let greedy = greedyNext === ids[0];
    if (ids.length > 1) {
      model.restoreCache(afterPrompt);
      const logits = await model.forward(ids.slice(0, -1), { allLogits: true }); // row j predicts ids[j + 1]
      for (let j = 1; j < ids.length; j++) {
        const row = logits.subarray((j - 1) * V, j * V);
        logprob += logSoftmax(row)[ids[j]!]!;
        if (argmax(row) !== ids[j]) greedy = false;
      }
    }
    scores.push({ logprob, tokens: ids.length, greedy });
  }
  model.restoreCache(afterPrompt);
  return scores;
}

/**
 * The prompt's and a continuation's tokens, split as lm-evaluation-harness splits them: spaces
 * ending the prompt move to the continuation; the continuation is the tail of
 * encode(prompt + continuation) after encode(prompt)'s length.
 */
export function splitContinuation(
  tokenizer: TextCodec,
  prompt: string,
  continuation: string,
): { promptIds: number[]; continuationIds: number[]; text: string } {
  const trimmed = prompt.trimEnd();
  const text = prompt.slice(trimmed.length) + continuation;
  const promptIds = tokenizer.encode(trimmed, { addSpecialTokens: true });
  const whole = tokenizer.encode(trimmed + text, { addSpecialTokens: true });
  return { promptIds: whole.slice(0, promptIds.length), continuationIds: whole.slice(promptIds.length), text };
}

/** Token continuations after one prompt: what `scoreContinuationIds` and `scoreItems` score. */
export interface ContinuationItem {
  promptIds: readonly number[];
  continuations: readonly (readonly number[])[];
}

/**
 * One item's choices, split as `splitContinuation` splits them, grouped by their prompt tokens
 * (which can differ between choices when a choice merges with the prompt's last token): each
 * group is scored as one `ContinuationItem`; `members` are its choices' indices.
 */
export interface PreparedChoices {
  splits: { continuationIds: number[]; text: string }[];
  groups: (ContinuationItem & { members: number[] })[];
}

/** Splits and groups an item's choices (see `PreparedChoices`); a choice that adds no tokens is an error. */
export function prepareChoices(tokenizer: TextCodec, prompt: string, choices: readonly string[]): PreparedChoices {
  const splits = choices.map((choice) => splitContinuation(tokenizer, prompt, choice));
  splits.forEach((s, i) => {
    if (s.continuationIds.length === 0)
      throw new EngineError('INVALID_ARGUMENT', `Choice ${i + 1} (${JSON.stringify(choices[i])}) adds no tokens to the prompt.`);
  });
  const byPrompt = new Map<string, number[]>();
  splits.forEach((s, i) => {
    const key = s.promptIds.join(',');
    byPrompt.set(key, [...(byPrompt.get(key) ?? []), i]);
  });
  const groups = [...byPrompt.values()].map((members) => ({
    promptIds: splits[members[0]!]!.promptIds,
    continuations: members.map((i) => splits[i]!.continuationIds),
    members,
  }));
  return { splits, groups };
}

/** The choices' scores from their groups' (`scores[g][k]`: group g's k-th member). */
export function choiceScores(prepared: PreparedChoices, scores: readonly (readonly ContinuationScore[])[]): ChoiceScore[] {
  const out: ChoiceScore[] = new Array(prepared.splits.length);
  prepared.groups.forEach((group, g) =>
    group.members.forEach((i, k) => {
      const text = prepared.splits[i]!.text;
      out[i] = { ...scores[g]![k]!, text, chars: text.length };
    }),
  );
  return out;
}

/** Scores each choice as a continuation of `prompt` (see the file comment). Choices whose prompt tokens agree share one prompt run. */
export async function scoreChoices(model: CausalLM, tokenizer: TextCodec, prompt: string, choices: readonly string[]): Promise<ChoiceScore[]> {
  const prepared = prepareChoices(tokenizer, prompt, choices);
  const scores: ContinuationScore[][] = [];
  for (const group of prepared.groups) scores.push(await scoreContinuationIds(model, group.promptIds, group.continuations));
  return choiceScores(prepared, scores);
}

/** The index of the best choice by log-probability (`accuracy`) and by log-probability per character (`accuracy_norm`); the first on ties. */
export function pickChoices(scores: readonly ChoiceScore[]): { raw: number; norm: number } {
  return { raw: argmax(scores.map((s) => s.logprob)), norm: argmax(scores.map((s) => s.logprob / Math.max(1, s.chars))) };
}
