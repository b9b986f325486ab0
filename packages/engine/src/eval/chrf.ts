/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU computes them, with sacreBLEU's
 * defaults: character n-grams up to 6, no word n-grams, beta = 2, whitespace removed before
 * extracting character n-grams, statistics summed over the corpus, and a score on a 0–100 scale.
 * Written from reading sacreBLEU 2.x's `metrics/chrf.py` and `metrics/helpers.py`.
 * Characters are Unicode code points (as Python's), not UTF-16 units.
 *
 * References are per item (`references[i]` is one string or a list), as in bleu.ts.
 */

import { asList, countAll, ngrams, overlap, pySplit, type Counts } from './text.js';

export interface ChrfOptions {
  /** Character n-gram order; default 6. */
  charOrder?: number;
  /** Word n-gram order; default 0 (chrF). 2 is chrF++. */
  wordOrder?: number;
  /** Weight of recall relative to precision; default 2. */
  beta?: number;
  /** Default false. */
  lowercase?: boolean;
  /** Keep whitespace when extracting character n-grams; default false (sacreBLEU's default removes it). */
  whitespace?: boolean;
  /**
   * Average per-order F-scores with a tiny epsilon for empty orders (chrF++.py, NLTK and Moses);
   * default false: sacreBLEU 2's default, which averages precision and recall over the orders
   * that both sides have n-grams of, then takes one F-score.
   */
  epsSmoothing?: boolean;
}

export interface ChrfScore {
  /** 0–100. */
  score: number;
  /** Per order (characters 1..charOrder, then words 1..wordOrder): [hypothesis n-grams, reference n-grams, matched n-grams], summed over the corpus. */
  stats: number[];
}

/** Python's `string.punctuation`, which chrF++ splits off the start or end of words. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/**
 * chrF++'s word splitting (sacreBLEU's `_remove_punctuation`): split on whitespace, then split one
 * punctuation character off the end of a word, or else off its start ("(hi)" gives "(hi" and ")").
 */
function chrfWords(sentence: string): string[] {
  const words: string[] = [];
  for (const word of pySplit(sentence)) {
    const chars = Array.from(word);
    if (chars.length === 1) words.push(word);
    else if (PUNCTUATION.has(chars.at(-1)!)) words.push(chars.slice(0, -1).join(''), chars.at(-1)!);
    else if (PUNCTUATION.has(chars[0]!)) words.push(chars[0]!, chars.slice(1).join(''));
    else words.push(word);
  }
  return words;
}

/** Counted n-grams of each order: characters 1..charOrder, then words 1..wordOrder. */
function allNgrams(sentence: string, o: Required<ChrfOptions>): Counts[] {
  const text = o.lowercase ? sentence.toLowerCase() : sentence;
  const chars = Array.from(o.whitespace ? text : pySplit(text).join(''));
  const out: Counts[] = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(countAll(ngrams(chars, n, '')));
  if (o.wordOrder > 0) {
    const words = chrfWords(text);
    for (let n = 1; n <= o.wordOrder; n++) out.push(countAll(ngrams(words, n)));
  }
  return out;
}

/**
 * The chrF score (0–100) of summed statistics (sacreBLEU's `CHRF._compute_f_score`); `stats` holds
 * [hyp, ref, match] for each order.
 */
export function chrfFromStats(stats: readonly number[], options: Pick<ChrfOptions, 'beta' | 'epsSmoothing'> = {}): number {
  const { beta = 2, epsSmoothing = false } = options;
  const eps = 1e-16;
  const factor = beta ** 2;
  const orders = stats.length / 3;
  let fSum = 0;
  let precisionSum = 0;
  let recallSum = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < orders; i++) {
    const hyp = stats[3 * i]!;
    const ref = stats[3 * i + 1]!;
    const match = stats[3 * i + 2]!;
    const precision = hyp > 0 ? match / hyp : eps;
    const recall = ref > 0 ? match / ref : eps;
    const denominator = factor * precision + recall;
    fSum += denominator > 0 ? ((1 + factor) * precision * recall) / denominator : eps;
    if (hyp > 0 && ref > 0) {
      precisionSum += precision;
      recallSum += recall;
      effectiveOrder++;
    }
  }
  if (epsSmoothing) return (100 * fSum) / orders;
  const precision = effectiveOrder ? precisionSum / effectiveOrder : 0;
  const recall = effectiveOrder ? recallSum / effectiveOrder : 0;
  if (precision + recall === 0) return 0;
  return (100 * (1 + factor) * precision * recall) / (factor * precision + recall);
}

function resolve(options: ChrfOptions): Required<ChrfOptions> {
  const o: Required<ChrfOptions> = {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta: options.beta ?? 2,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
  if (!Number.isInteger(o.charOrder) || o.charOrder < 0 || !Number.isInteger(o.wordOrder) || o.wordOrder < 0 || o.charOrder + o.wordOrder === 0) {
    throw new Error(`chrF: charOrder and wordOrder must be non-negative integers, not both 0 (got ${o.charOrder}, ${o.wordOrder})`);
  }
  return o;
}

/**
 * Corpus chrF (0–100): per item, the statistics against the reference with the best chrF (the
 * first on a tie); summed over items; then one score.
 */
export function corpusChrf(hypotheses: readonly string[], references: ReadonlyArray<string | readonly string[]>, options: ChrfOptions = {}): ChrfScore {
  if (hypotheses.length !== references.length) {
    throw new Error(`chrF: ${hypotheses.length} hypotheses but ${references.length} reference entries`);
  }
  const o = resolve(options);
  const sums = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    const refs = asList(references[i]!);
    if (refs.length === 0) throw new Error('chrF: every hypothesis needs at least one reference');
    const hypNgrams = allNgrams(hypothesis, o);
    let best: number[] = [];
    let bestScore = -1;
    for (const reference of refs) {
      const stats = allNgrams(reference, o).flatMap((refNgrams, order) => {
        const hyp = hypNgrams[order]!;
        let hypCount = 0;
        for (const count of hyp.values()) hypCount += count;
        let refCount = 0;
        for (const count of refNgrams.values()) refCount += count;
        // As sacreBLEU: a hypothesis n-gram is not counted when the reference has none of that order.
        return [refNgrams.size > 0 ? hypCount : 0, refCount, overlap(hyp, refNgrams)];
      });
      const score = chrfFromStats(stats, o);
      if (score > bestScore) [best, bestScore] = [stats, score];
    }
    best.forEach((value, k) => (sums[k]! += value));
  });
  return { score: chrfFromStats(sums, o), stats: sums };
}

/** chrF of one sentence (0–100) against one or more references. */
export function sentenceChrf(hypothesis: string, references: string | readonly string[], options: ChrfOptions = {}): ChrfScore {
  return corpusChrf([hypothesis], [references], options);
}
