/**
 * Small text helpers shared by the metrics. Several metrics here reproduce Python reference
 * implementations (sacreBLEU, the SQuAD script, rouge-score), so these helpers copy Python's
 * behaviour where it differs from JavaScript's defaults.
 */

/**
 * The characters Python's `str.split()` (no argument) and `str.strip()` treat as whitespace
 * (`str.isspace()`). JavaScript's `\s` differs: it lacks U+001C–U+001F and U+0085 and adds U+FEFF.
 */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, 'u');
const PY_TRAILING_WHITESPACE = new RegExp(`[${PY_WHITESPACE}]+$`, 'u');

/** Python's `text.split()`: split on runs of whitespace, dropping empty pieces at either end. */
export function pySplit(text: string): string[] {
  return text.split(PY_WHITESPACE_RUN).filter((piece) => piece.length > 0);
}

/** Python's `text.rstrip()`. */
export function pyRstrip(text: string): string {
  return text.replace(PY_TRAILING_WHITESPACE, '');
}

/** A multiset: how many times each key occurs. */
export type Counts = Map<string, number>;

/** Adds one occurrence of `key` to `counts`. */
export function addCount(counts: Counts, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** The multiset of `items`. */
export function countAll(items: Iterable<string>): Counts {
  const counts: Counts = new Map();
  for (const item of items) addCount(counts, item);
  return counts;
}

/** The size of the multiset intersection (`Counter(a) & Counter(b)` summed): shared items, each at most as often as in both. */
export function overlap(a: Counts, b: Counts): number {
  let shared = 0;
  for (const [key, count] of a) {
    const other = b.get(key);
    if (other !== undefined) shared += Math.min(count, other);
  }
  return shared;
}

/** All contiguous n-grams of `tokens` of order `n`, each joined with a space (tokens here never contain whitespace). */
export function ngrams(tokens: readonly string[], n: number, joiner = ' '): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(joiner));
  return out;
}

/** The references of one item as a list: a lone string is one reference. */
export function asList(references: string | readonly string[]): readonly string[] {
  return typeof references === 'string' ? [references] : references;
}
