/**
 * "Did fine-tuning help?": a paired bootstrap confidence interval (Koehn 2004; Efron & Tibshirani
 * 1993) for the difference between two systems scored on the same items, and a one-line verdict.
 */

import { seededRng } from '../util/random.js';

export interface BootstrapOptions {
  /** How many resamples; default 1000. */
  resamples?: number;
  /** Coverage of the interval, in (0, 1); default 0.95. */
  confidence?: number;
  /** Seed of the resampling; default 12345 (sacreBLEU's), so a run is repeatable by default. */
  seed?: number;
}

export interface BootstrapResult {
  /** mean(b) − mean(a), on the items as given. */
  delta: number;
  /** Lower end of the percentile interval of the resampled deltas. */
  low: number;
  /** Upper end of the percentile interval of the resampled deltas. */
  high: number;
  /** Items where b scored higher than a. */
  better: number;
  /** Items where b scored lower than a. */
  worse: number;
  /** Items where both scored the same. */
  ties: number;
  /** Number of items. */
  n: number;
  /** The interval's coverage, as asked. */
  confidence: number;
  /** The number of resamples, as asked. */
  resamples: number;
}

/**
 * Paired bootstrap of mean(b) − mean(a): `a[i]` and `b[i]` are two systems' scores on item i
 * (e.g. the base model's and the fine-tuned model's exact match). Each resample draws n items
 * with replacement, the same items for both systems (that pairing is what removes the items'
 * own difficulty from the comparison), and records the mean difference on them. The interval is
 * the percentile interval of those differences: with R resamples sorted and alpha = 1 − confidence,
 * the values at positions floor(R · alpha / 2) and R − 1 − that (sacreBLEU's choice, 25 and 974
 * of 1000 at 95%). Deterministic for a given seed.
 */
export function pairedBootstrap(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): BootstrapResult {
  const { resamples = 1000, confidence = 0.95, seed = 12345 } = options;
  if (a.length !== b.length) throw new Error(`pairedBootstrap: the systems have ${a.length} and ${b.length} scores; they must score the same items`);
  if (a.length === 0) throw new Error('pairedBootstrap: no items to compare');
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`pairedBootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`pairedBootstrap: confidence must be between 0 and 1, got ${confidence}`);

  const n = a.length;
  const diffs = new Float64Array(n);
  let better = 0;
  let worse = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = b[i]! - a[i]!;
    if (!Number.isFinite(d)) throw new Error(`pairedBootstrap: item ${i} has a score that is not a finite number`);
    diffs[i] = d;
    sum += d;
    if (b[i]! > a[i]!) better++;
    else if (b[i]! < a[i]!) worse++;
  }

  const rng = seededRng(seed);
  const deltas = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    for (let k = 0; k < n; k++) total += diffs[Math.floor(rng() * n)]!;
    deltas[r] = total / n;
  }
  deltas.sort();
  const lowIndex = Math.floor((resamples * (1 - confidence)) / 2);
  return {
    delta: sum / n,
    low: deltas[lowIndex]!,
    high: deltas[resamples - 1 - lowIndex]!,
    better,
    worse,
    ties: n - better - worse,
    n,
    confidence,
    resamples,
  };
}

export interface VerdictOptions {
  /** Multiplies delta and interval before printing, e.g. 100 to show 0–1 exact-match scores as points; default 1. */
  scale?: number;
  /** Decimal places; default 1. */
  digits?: number;
}

/**
 * One line in plain words, e.g. "better on 62 items, worse on 40, same on 8, 95% CI +1.2 to +6.8 points"
 * (the "same on" part only when there are ties). "b" is the system being judged against "a".
 */
export function verdictText(result: BootstrapResult, unit = 'points', options: VerdictOptions = {}): string {
  const { scale = 1, digits = 1 } = options;
  const signed = (x: number): string => {
    const text = (x * scale).toFixed(digits);
    // No sign on a value that rounds to zero ("-0.0" reads as a loss that is not there).
    if (Number(text) === 0) return (0).toFixed(digits);
    return x > 0 ? `+${text}` : text;
  };
  const items = (count: number): string => `${count} item${count === 1 ? '' : 's'}`;
  const parts = [`better on ${items(result.better)}`, `worse on ${result.worse}`];
  if (result.ties > 0) parts.push(`same on ${result.ties}`);
  const percent = Number((result.confidence * 100).toFixed(1));
  parts.push(`${percent}% CI ${signed(result.low)} to ${signed(result.high)}${unit ? ` ${unit}` : ''}`);
  return parts.join(', ');
}
