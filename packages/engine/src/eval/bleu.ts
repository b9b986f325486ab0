/**
 * BLEU (Papineni et al. 2002) as sacreBLEU computes it (Post 2018, https://github.com/mjpost/sacrebleu),
 * with sacreBLEU's defaults: the 13a tokenizer, n-grams up to 4, the brevity penalty against the
 * closest reference length, 'exp' smoothing, and a score on a 0–100 scale. Written from reading
 * sacreBLEU 2.x's `metrics/bleu.py`, `metrics/helpers.py` and `tokenizers/tokenizer_13a.py`.
 *
 * Layout of references: sacreBLEU takes reference *streams* (`refs[k][i]` is the k-th reference
 * of segment i); here each item carries its own references (`references[i]` is one string or a
 * list), so items may have different numbers of references. An empty string is still a reference
 * (of length 0), as in sacreBLEU.
 */

import { addCount, asList, countAll, ngrams, pyRstrip, pySplit, type Counts } from './text.js';

/** The tokenizers offered: sacreBLEU's '13a' (default), 'none' (split on whitespace only) and 'char' (every character a token). */
export type BleuTokenizer = '13a' | 'none' | 'char';

/** sacreBLEU's smoothing methods (Chen & Cherry 2014): 'exp' is NIST's (mteval-v13a) and sacreBLEU's default. */
export type BleuSmoothing = 'exp' | 'none' | 'floor' | 'add-k';

export interface BleuOptions {
  /** Default '13a'. */
  tokenize?: BleuTokenizer;
  /** Default false. */
  lowercase?: boolean;
  /** Default 'exp'. */
  smooth?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1); unused by the others. */
  smoothValue?: number;
  /** Highest n-gram order; default 4. */
  maxOrder?: number;
  /**
   * Stop at the first n-gram order the hypothesis has none of, instead of counting it as a zero
   * precision. Default false for `corpusBleu` and true for `sentenceBleu`, as in sacreBLEU.
   */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Matched n-grams per order (clipped by the references' counts), orders 1..maxOrder. */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  /** Per-order precisions, 0–100 (smoothed where smoothing applied). */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Hypothesis tokens, summed over the corpus. */
  sysLen: number;
  /** Closest-reference tokens, summed over the corpus. */
  refLen: number;
  /** sysLen / refLen (0 when refLen is 0). */
  ratio: number;
}

// ---------------------------------------------------------------------------------------------
// Tokenizers
// ---------------------------------------------------------------------------------------------

/**
 * The regular-expression rules of sacreBLEU's `TokenizerRegexp` (shared by 13a and zh), applied in order:
 * 1. Space out ASCII symbols: `{|}~`, `[\]^_` and backtick, space to `&`, `(` to `+`, `:` to `@`, and `/`
 *    (so not `'`, `,`, `-`, `.`, nor digits or letters).
 * 2. Space out `.` and `,` unless preceded by a digit.
 * 3. Space out `.` and `,` unless followed by a digit.
 * 4. Space out `-` when preceded by a digit.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/([{-~[-` -&(-+:-@/])/gu, ' $1 '],
  [/([^0-9])([.,])/gu, '$1 $2 '],
  [/([.,])([^0-9])/gu, ' $1 $2'],
  [/([0-9])(-)/gu, '$1 $2 '],
];

/**
 * sacreBLEU's '13a' tokenizer, equivalent to mteval-v13a.pl's (used by WMT): drop `<skipped>`,
 * join lines broken after a hyphen, turn newlines into spaces, unescape `&quot; &amp; &lt; &gt;`,
 * then apply `RULES` to the line padded with a space on each side, and finally leave single
 * spaces between tokens and none at the ends. Returns the tokenized line.
 */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    // Order matters (as in sacreBLEU): '&amp;quot;' becomes '&quot;', not '"'.
    text = text.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  text = ` ${text} `;
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return pySplit(text).join(' ');
}

/** The tokens BLEU counts in one segment: optional lower-casing, trailing whitespace stripped, then the tokenizer. */
function bleuTokens(segment: string, tokenize: BleuTokenizer, lowercase: boolean): string[] {
  const line = pyRstrip(lowercase ? segment.toLowerCase() : segment);
  switch (tokenize) {
    case '13a':
      return pySplit(tokenize13a(line));
    case 'none':
      return pySplit(line);
    case 'char':
      // sacreBLEU joins every character with spaces, then splits on whitespace: whitespace characters vanish.
      return pySplit(Array.from(line).join(' '));
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------

/** All n-grams of orders 1..maxOrder of a token list, counted. */
function allNgrams(tokens: readonly string[], maxOrder: number): Counts {
  const counts: Counts = new Map();
  for (let n = 1; n <= maxOrder; n++) for (const [gram, count] of countAll(ngrams(tokens, n))) addCount(counts, `${n}|${gram}`, count);
  return counts;
}

/**
 * The length of the reference closest in length to the hypothesis, the shorter one on a tie
 * (sacreBLEU's `_get_closest_ref_len`).
 */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    const bestDiff = Math.abs(hypLen - best);
    if (best === -1 || diff < bestDiff || (diff === bestDiff && len < best)) best = len;
  }
  return best;
}

/** One segment's sufficient statistics: [hypLen, refLen, correct_1..correct_N, total_1..total_N]. */
function segmentStats(hypothesis: string, references: readonly string[], options: Required<Omit<BleuOptions, 'smoothValue'>>): number[] {
  const { tokenize, lowercase, maxOrder } = options;
  if (references.length === 0) throw new Error('BLEU: every hypothesis needs at least one reference');
  // Reference n-gram counts are the maximum over the references (clipping counts).
  const refCounts: Counts = new Map();
  const refLens: number[] = [];
  for (const reference of references) {
    const tokens = bleuTokens(reference, tokenize, lowercase);
    refLens.push(tokens.length);
    for (const [gram, count] of allNgrams(tokens, maxOrder)) refCounts.set(gram, Math.max(refCounts.get(gram) ?? 0, count));
  }
  const hypTokens = bleuTokens(hypothesis, tokenize, lowercase);
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (const [gram, count] of allNgrams(hypTokens, maxOrder)) {
    const n = Number(gram.slice(0, gram.indexOf('|'))) - 1;
    total[n]! += count;
    correct[n]! += Math.min(count, refCounts.get(gram) ?? 0);
  }
  return [hypTokens.length, closestRefLen(hypTokens.length, refLens), ...correct, ...total];
}

/** sacreBLEU's `my_log`: log, with log(0) floored to a very negative number instead of -Infinity. */
function flooredLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * BLEU from summed statistics (sacreBLEU's `BLEU.compute_bleu`): the brevity penalty
 * exp(1 - refLen / sysLen) when the hypotheses are shorter, times the geometric mean of the
 * n-gram precisions, with smoothing for orders that matched nothing:
 * - 'exp': the k-th such order gets precision 1 / (2^k · total);
 * - 'floor': smoothValue / total;
 * - 'add-k': smoothValue added to matches and totals of orders 2 and up;
 * - 'none': a zero precision, so a zero score.
 * No match at all (of any order) scores 0.
 */
export function bleuFromStats(
  correctIn: readonly number[],
  totalIn: readonly number[],
  sysLen: number,
  refLen: number,
  options: Pick<BleuOptions, 'smooth' | 'smoothValue' | 'effectiveOrder' | 'maxOrder'> = {},
): BleuScore {
  const { smooth = 'exp', effectiveOrder = false, maxOrder = 4 } = options;
  const smoothValue = options.smoothValue ?? (smooth === 'floor' ? 0.1 : 1);
  const correct = [...correctIn];
  const total = [...totalIn];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuScore => ({ score, counts: correct, totals: total, precisions, bp, sysLen, refLen, ratio: refLen ? sysLen / refLen : 0 });
  if (!correct.some((c) => c !== 0)) return result(0);

  let smoothExp = 1;
  let order = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (effectiveOrder) order = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        smoothExp *= 2;
        precisions[n - 1] = 100 / (smoothExp * total[n - 1]!);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (const p of precisions.slice(0, order)) logSum += flooredLog(p);
  return result(bp * Math.exp(logSum / order));
}

function resolve(options: BleuOptions, effectiveOrderDefault: boolean): Required<Omit<BleuOptions, 'smoothValue'>> & Pick<BleuOptions, 'smoothValue'> {
  const maxOrder = options.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new Error(`BLEU: maxOrder must be a positive integer, got ${maxOrder}`);
  return {
    tokenize: options.tokenize ?? '13a',
    lowercase: options.lowercase ?? false,
    smooth: options.smooth ?? 'exp',
    smoothValue: options.smoothValue,
    maxOrder,
    effectiveOrder: options.effectiveOrder ?? effectiveOrderDefault,
  };
}

/**
 * Corpus BLEU (0–100): statistics are summed over all items, then scored once (not an average of
 * sentence scores). `references[i]` is item i's reference or list of references.
 */
export function corpusBleu(hypotheses: readonly string[], references: ReadonlyArray<string | readonly string[]>, options: BleuOptions = {}): BleuScore {
  if (hypotheses.length !== references.length) {
    throw new Error(`BLEU: ${hypotheses.length} hypotheses but ${references.length} reference entries`);
  }
  const resolved = resolve(options, false);
  const { maxOrder } = resolved;
  const sums = new Array<number>(2 + 2 * maxOrder).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    segmentStats(hypothesis, asList(references[i]!), resolved).forEach((value, k) => (sums[k]! += value));
  });
  return bleuFromStats(sums.slice(2, 2 + maxOrder), sums.slice(2 + maxOrder), sums[0]!, sums[1]!, resolved);
}

/**
 * BLEU of one sentence (0–100), with effective order on by default as in sacreBLEU's
 * `sentence_bleu`. BLEU is a corpus metric: sentence scores are noisy, and their average is not
 * the corpus BLEU.
 */
export function sentenceBleu(hypothesis: string, references: string | readonly string[], options: BleuOptions = {}): BleuScore {
  return corpusBleu([hypothesis], [references], { ...options, effectiveOrder: options.effectiveOrder ?? true });
}
