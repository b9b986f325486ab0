/**
 * Per-item answer metrics: answer extraction, normalised exact match, SQuAD-style token F1 and
 * ROUGE-L. Each returns a score in [0, 1] for one prediction, so a run's per-item scores can be
 * averaged and compared between two systems with `pairedBootstrap` (bootstrap.ts).
 * Corpus-level BLEU and chrF (0–100, as sacreBLEU reports them) live in bleu.ts and chrf.ts.
 */

import { asList, countAll, overlap, pySplit } from './text.js';

// ---------------------------------------------------------------------------------------------
// Answer extraction
// ---------------------------------------------------------------------------------------------

/**
 * How to pull the answer out of a model's output.
 * - `regex`: the first capture group of the first match of `pattern` (the whole match when the
 *   pattern has no group), e.g. GSM8K's `#### (-?[0-9.,]+)`; null when nothing matches.
 *   `flags` are JavaScript RegExp flags (e.g. 'i'); 'g' and 'y' are ignored.
 * - `last-number`: the last number in the text (see `lastNumber`); null when there is none.
 * - `whole`: the whole text, trimmed.
 */
export type AnswerExtractor = { kind: 'regex'; pattern: string; flags?: string } | { kind: 'last-number' } | { kind: 'whole' };

/**
 * A number as written in prose: an optional sign (only where it cannot be a hyphen or minus
 * between two words or numbers, so "pages 3-5" gives 3 and 5, not -5), digits with optional
 * comma thousands separators ("1,234,567"), and an optional decimal part; or a bare decimal
 * part (".5") not glued to a preceding digit. A trailing sentence period is not a decimal point.
 */
const NUMBER = /(?:(?<![\p{L}\p{N}])[-+])?(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![\d.])\.\d+)/gu;

/** The last number in `text` with its thousands separators removed ("$1,234.50 total" → "1234.50"); null when there is none. */
export function lastNumber(text: string): string | null {
  let last: string | null = null;
  for (const match of text.matchAll(NUMBER)) last = match[0];
  return last === null ? null : last.replaceAll(',', '');
}

/**
 * Compiles an extractor once, so an invalid pattern fails before a whole evaluation runs.
 * Throws an Error naming the pattern when it is not a valid regular expression.
 */
export function answerExtractor(extractor: AnswerExtractor): (text: string) => string | null {
  switch (extractor.kind) {
    case 'whole':
      return (text) => text.trim();
    case 'last-number':
      return lastNumber;
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(extractor.pattern, (extractor.flags ?? '').replace(/[gy]/g, ''));
      } catch (error) {
        throw new Error(`Invalid answer-extraction regex ${JSON.stringify(extractor.pattern)}: ${(error as Error).message}`, { cause: error });
      }
      return (text) => {
        const match = re.exec(text);
        if (match === null) return null;
        // The first capture group, or the whole match when the pattern has none; a group that took no part in the match is null.
        return match.length > 1 ? (match[1] ?? null) : match[0];
      };
    }
  }
}

/** The answer in `text` by `extractor`, or null when the extractor finds none. See `AnswerExtractor`. */
export function extractAnswer(text: string, extractor: AnswerExtractor): string | null {
  return answerExtractor(extractor)(text);
}

// ---------------------------------------------------------------------------------------------
// Exact match
// ---------------------------------------------------------------------------------------------

/** A comma between digit groups of three, in a number that is not part of a longer digit run ("1,234,567" but not "1,23" or "12345,678"). */
const THOUSANDS = /(?<![\d.,])\d{1,3}(?:,\d{3})+(?!,?\d)/g;

/** A whole string that is a plain decimal number: sign, digits, optional point and fraction ("5", "-0.50", "5.", ".5"). */
const PLAIN_NUMBER = /^([-+]?)(\d*)(?:\.(\d*))?$/;

/**
 * The canonical spelling of a plain decimal number, or null when `text` is not one:
 * no "+" sign, no leading zeros, no trailing fractional zeros or point, and "-0" is "0".
 * Working on the digits (not on `Number(text)`) keeps long integers exact.
 */
export function canonicalNumber(text: string): string | null {
  const match = PLAIN_NUMBER.exec(text);
  if (match === null) return null;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole.length + fraction.length === 0) return null;
  const int = whole.replace(/^0+/, '') || '0';
  const frac = fraction.replace(/0+$/, '');
  const magnitude = frac ? `${int}.${frac}` : int;
  return sign === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

/**
 * The form exact match compares:
 * 1. Unicode NFKC (full-width "１２" is "12"), trimmed, lower-cased, whitespace runs as one space.
 * 2. Thousands separators dropped inside numbers: "1,234" is "1234" (but "1,2" stays a list).
 * 3. When the whole answer is then a plain decimal number, its canonical spelling
 *    (`canonicalNumber`): "5.0", "5.", "+5" and "005" all read "5". Numbers are compared as
 *    numbers: the decision is that "5.0" equals "5", since a model that writes "5.0" for an
 *    integer answer has the answer right. Only plain decimals count: "1e3", "½", "$5" and "5%"
 *    are compared as text (extract the number first, e.g. with `last-number`).
 */
export function normalizeAnswer(text: string): string {
  const folded = text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  const unseparated = folded.replace(THOUSANDS, (number) => number.replaceAll(',', ''));
  return canonicalNumber(unseparated) ?? unseparated;
}

/**
 * 1 when the prediction equals the reference (any of them, when several) after `normalizeAnswer`, else 0.
 * A null prediction (the extractor found no answer) scores 0.
 */
export function exactMatch(prediction: string | null, reference: string | readonly string[]): 0 | 1 {
  if (prediction === null) return 0;
  const predicted = normalizeAnswer(prediction);
  return asList(reference).some((ref) => normalizeAnswer(ref) === predicted) ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Token F1 (SQuAD)
// ---------------------------------------------------------------------------------------------

/** Python's `string.punctuation`: the ASCII punctuation the SQuAD script deletes. */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** The articles a, an, the as whole words; "word" as Python 3's Unicode `\b` sees it (letters, digits, underscore). */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * The SQuAD evaluation script's `normalize_answer`, as tokens: lower-case, delete ASCII
 * punctuation (so "can't" is "cant" and "1,234" is "1234"), drop the articles a/an/the,
 * split on whitespace.
 */
export function squadTokens(text: string): string[] {
  return pySplit(text.toLowerCase().replace(ASCII_PUNCTUATION, '').replace(ARTICLES, ' '));
}

/**
 * SQuAD-style token F1 in [0, 1]: the bag-of-tokens overlap of `squadTokens(prediction)` and
 * `squadTokens(reference)`, as the harmonic mean of precision (overlap / prediction tokens) and
 * recall (overlap / reference tokens). As in SQuAD 2.0's script, when either side has no tokens
 * the score is 1 if both are empty, else 0. With several references, the best. A null prediction counts as empty.
 */
export function tokenF1(prediction: string | null, reference: string | readonly string[]): number {
  const predicted = squadTokens(prediction ?? '');
  let best = 0;
  for (const ref of asList(reference)) best = Math.max(best, f1OfTokens(predicted, squadTokens(ref)));
  return best;
}

function f1OfTokens(predicted: readonly string[], reference: readonly string[]): number {
  if (predicted.length === 0 || reference.length === 0) return predicted.length === reference.length ? 1 : 0;
  const shared = overlap(countAll(predicted), countAll(reference));
  if (shared === 0) return 0;
  const precision = shared / predicted.length;
  const recall = shared / reference.length;
  return (2 * precision * recall) / (precision + recall);
}

// ---------------------------------------------------------------------------------------------
// ROUGE-L
// ---------------------------------------------------------------------------------------------

/** A precision / recall / F-measure triple, each in [0, 1]. */
export interface PrecisionRecallF {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeOptions {
  /**
   * - 'whitespace' (default): lower-case, split on whitespace; punctuation stays part of words.
   *   Works for any script.
   * - 'rouge-score': the `rouge-score` package's default tokenizer (no stemmer): lower-case,
   *   every run of characters outside [a-z0-9] becomes a space. Matches that package exactly, but
   *   deletes all non-ASCII text, so it only suits English.
   */
  tokenizer?: 'whitespace' | 'rouge-score';
}

/** The tokens ROUGE compares, by `tokenizer` (see `RougeOptions`). */
export function rougeTokens(text: string, tokenizer: RougeOptions['tokenizer'] = 'whitespace'): string[] {
  const lower = text.toLowerCase();
  return tokenizer === 'rouge-score' ? pySplit(lower.replace(/[^a-z0-9]+/g, ' ')) : pySplit(lower);
}

/** The length of the longest common subsequence of two token lists (dynamic programming, one row at a time). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (const tokenA of a) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = tokenA === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/**
 * ROUGE-L (Lin 2004) of one prediction: with LCS the longest common subsequence of the token
 * lists, precision = LCS / prediction tokens, recall = LCS / reference tokens, and F-measure
 * their harmonic mean (beta = 1, the `rouge-score` package's `rougeL` fmeasure). As in
 * `rouge-score`, an empty side scores 0 on all three. With several references, the one with the
 * best F-measure (as `rouge-score`'s `score_multi`). A null prediction counts as empty.
 */
export function rougeL(prediction: string | null, reference: string | readonly string[], options: RougeOptions = {}): PrecisionRecallF {
  const predicted = rougeTokens(prediction ?? '', options.tokenizer);
  let best: PrecisionRecallF = { precision: 0, recall: 0, fmeasure: 0 };
  for (const ref of asList(reference)) {
    const score = rougeLOfTokens(predicted, rougeTokens(ref, options.tokenizer));
    if (score.fmeasure > best.fmeasure) best = score;
  }
  return best;
}

function rougeLOfTokens(predicted: readonly string[], reference: readonly string[]): PrecisionRecallF {
  if (predicted.length === 0 || reference.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(predicted, reference);
  const precision = lcs / predicted.length;
  const recall = lcs / reference.length;
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}
