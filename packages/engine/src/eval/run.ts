/**
 * Running an evaluation task over items with one model: per-item results and the task's
 * metrics, in the shape `qlora eval --json` prints.
 */
import { EngineError } from '../errors.js';
import type { CausalLM, TextCodec } from '../infer/causal-lm.js';
import { generateTokens, type GenerateOptions } from '../infer/generate.js';
import type { MultipleChoiceItem, ReferenceItem } from './items.js';
import { corpusBleu } from './bleu.js';
import { corpusChrf } from './chrf.js';
import { exactMatch, extractAnswer, rougeL, tokenF1, type AnswerExtractor } from './metrics.js';
import { choiceScores, pickChoices, prepareChoices, splitContinuation } from './multiple-choice.js';
import { scoreItems, throwIfAborted } from './packing.js';

/** One item's result. `choices` for multiple choice; `output` for generation. */
export interface EvalItemResult {
  index: number;
  target: string;
  prediction: string;
  correct: boolean;
  choices?: { text: string; logprob: number }[];
  output?: string;
  /** The loss task: Σ −log p and the tokens of the reference (`correct`: greedy decoding would write it). */
  nll?: number;
  tokens?: number;
}

export interface EvalResult {
  metrics: Record<string, number>;
  items: EvalItemResult[];
}

/** Called after each item, with how many are done. */
export type EvalProgress = (done: number, total: number) => void;

/** Options of the scoring tasks (multiple choice, loss). */
export interface ScoringTaskOptions {
  onProgress?: EvalProgress;
  signal?: AbortSignal;
  /** Tokens per packed scoring run (see eval/packing.ts). */
  tokenBudget?: number;
}

/**
 * Reports items done from `scoreItems`' progress over their scoring units, where item i's units
 * end at `ends[i]` (an item can have several: one per distinct prompt tokenization).
 */
function itemProgress(ends: readonly number[], onProgress: EvalProgress | undefined): (units: number) => void {
  let items = 0;
  return (units) => {
    while (items < ends.length && ends[items]! <= units) {
      items++; // not inside `onProgress?.(…)`, whose arguments are skipped when it is undefined
      onProgress?.(items, ends.length);
    }
  };
}

/**
 * Multiple choice by log-likelihood: `accuracy` (the most likely choice is the answer) and
 * `accuracy_norm` (the most likely per character), as fractions of the items.
 */
export async function evaluateMultipleChoice(
  model: CausalLM,
  tokenizer: TextCodec,
  items: readonly MultipleChoiceItem[],
  options: ScoringTaskOptions = {},
): Promise<EvalResult> {
  if (items.length === 0) throw new EngineError('INVALID_ARGUMENT', 'There are no items to evaluate.');
  const prepared = items.map((item) => prepareChoices(tokenizer, item.prompt, item.continuations));
  const units = prepared.flatMap((p) => p.groups);
  const ends: number[] = [];
  prepared.forEach((p, i) => ends.push((ends[i - 1] ?? 0) + p.groups.length));
  const progress = itemProgress(ends, options.onProgress);
  const unitScores = await scoreItems(model, units, { tokenBudget: options.tokenBudget, signal: options.signal, onProgress: progress });
  const results: EvalItemResult[] = [];
  let normCorrect = 0;
  for (const [index, item] of items.entries()) {
    const scores = choiceScores(prepared[index]!, unitScores.slice(ends[index]! - prepared[index]!.groups.length, ends[index]));
    const picked = pickChoices(scores);
    if (picked.norm === item.answer) normCorrect++;
    results.push({
      index,
      target: item.choices[item.answer]!,
      prediction: item.choices[picked.raw]!,
      correct: picked.raw === item.answer,
      choices: scores.map((s, i) => ({ text: item.choices[i]!, logprob: s.logprob })),
    });
  }
  const accuracy = results.filter((r) => r.correct).length / items.length;
  return { metrics: { accuracy, accuracy_norm: normCorrect / items.length }, items: results };
}

/**
 * Held-out loss on the reference answers, completion-only as training counts it: the mean
 * −log p per token of each reference after its prompt, and its perplexity.
 */
export async function evaluateLoss(
  model: CausalLM,
  tokenizer: TextCodec,
  items: readonly ReferenceItem[],
  options: ScoringTaskOptions = {},
): Promise<EvalResult> {
  if (items.length === 0) throw new EngineError('INVALID_ARGUMENT', 'There are no items to evaluate.');
  const units = items.map((item, index) => {
    const split = splitContinuation(tokenizer, item.prompt, item.continuation);
    if (split.continuationIds.length === 0) throw new EngineError('INVALID_ARGUMENT', `Item ${index + 1}: the reference adds no tokens to the prompt.`);
    return { promptIds: split.promptIds, continuations: [split.continuationIds] };
  });
  const progress = itemProgress(
    items.map((_, i) => i + 1),
    options.onProgress,
  );
  const scores = await scoreItems(model, units, { tokenBudget: options.tokenBudget, signal: options.signal, onProgress: progress });
  const results: EvalItemResult[] = [];
  let nll = 0;
  let tokens = 0;
  for (const [index, item] of items.entries()) {
    const [score] = scores[index]!;
    nll -= score!.logprob;
    tokens += score!.tokens;
    results.push({ index, target: item.reference, prediction: item.reference, correct: score!.greedy, nll: -score!.logprob, tokens: score!.tokens });
  }
  const loss = nll / tokens;
  return { metrics: { loss, perplexity: Math.exp(loss), tokens }, items: results };
}

/** Seeded sampling for a generate task: item i samples with seed `seed + i`, so a run is reproducible. */
export interface EvalSampling {
  temperature: number;
  topP: number;
  seed: number;
}

/** Options of the generate task: generation (greedy unless `sampling` is given) and the answer extractor. */
export interface GenerateTaskOptions extends Partial<Omit<GenerateOptions, 'temperature' | 'topP' | 'seed'>> {
  extractor: AnswerExtractor;
  onProgress?: EvalProgress;
  sampling?: EvalSampling;
}

/** Generation for the items of a generate task, with the prompt encoded as generation encodes it. */
async function generateOutputs(model: CausalLM, tokenizer: TextCodec, items: readonly ReferenceItem[], options: GenerateTaskOptions): Promise<string[]> {
  const outputs: string[] = [];
  const { sampling, ...rest } = options;
  for (const [index, item] of items.entries()) {
    throwIfAborted(options.signal);
    // Each item its own seed: items do not share one random stream, so an item's output does not
    // depend on how many tokens the items before it drew (a --limit run repeats the full run's start).
    const decoding = sampling ? { temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed + index } : { temperature: 0 };
    const stream = generateTokens(model, tokenizer, tokenizer.encode(item.prompt, { addSpecialTokens: true }), { ...rest, ...decoding });
    let step = await stream.next();
    while (!step.done) step = await stream.next();
    outputs.push(step.value.text);
    options.onProgress?.(index + 1, items.length);
  }
  return outputs;
}

/**
 * Generation: the answer `extractor` takes from the output and from the reference is compared —
 * `exact_match` (normalised), `f1` (SQuAD token F1) and `rouge_l` (F-measure), averaged over the
 * items, as fractions; and over the whole set `bleu` and `chrf`, sacreBLEU's corpus scores
 * (13a tokens, exp smoothing; chrF2), on their usual 0–100 scale.
 */
export async function evaluateGenerate(
  model: CausalLM,
  tokenizer: TextCodec,
  items: readonly ReferenceItem[],
  options: GenerateTaskOptions,
): Promise<EvalResult> {
  if (items.length === 0) throw new EngineError('INVALID_ARGUMENT', 'There are no items to evaluate.');
  const outputs = await generateOutputs(model, tokenizer, items, options);
  const results: EvalItemResult[] = [];
  const sums = { exact_match: 0, f1: 0, rouge_l: 0 };
  outputs.forEach((output, index) => {
    const reference = items[index]!.reference;
    const target = extractAnswer(reference, options.extractor) ?? reference.trim();
    const prediction = extractAnswer(output, options.extractor);
    const exact = exactMatch(prediction, target);
    sums.exact_match += exact;
    sums.f1 += tokenF1(prediction, target);
    sums.rouge_l += rougeL(prediction, target).fmeasure;
    results.push({ index, target, prediction: prediction ?? '', correct: exact === 1, output });
  });
  const n = items.length;
  const predictions = results.map((r) => r.prediction);
  const targets = results.map((r) => r.target);
  return {
    metrics: {
      exact_match: sums.exact_match / n,
      f1: sums.f1 / n,
      rouge_l: sums.rouge_l / n,
      bleu: corpusBleu(predictions, targets).score,
      chrf: corpusChrf(predictions, targets).score,
    },
    items: results,
  };
}
