/** Central finite differences in float64, to check hand-written backwards against. */
import type { Rng } from '../src/util/random.js';

/** The worst disagreement between an analytic gradient and finite differences. */
export interface GradCheckResult {
  /** max over checked i of |analytic − numeric| / max(|analytic|, |numeric|, floor). */
  maxError: number;
  index: number;
  analytic: number;
  numeric: number;
  /** How many coordinates were checked. */
  checked: number;
}

/**
 * Perturbs `samples` random coordinates of `param` in place (restoring each) and compares
 * (f(x + h) − f(x − h)) / 2h with `analytic`. The floor keeps near-zero gradients from turning
 * rounding noise into a large relative error.
 */
export function gradCheck(
  f: () => number,
  param: Float64Array,
  analytic: Float64Array,
  rng: Rng,
  { samples = 24, h = 1e-5, floor = 1e-6 }: { samples?: number; h?: number; floor?: number } = {},
): GradCheckResult {
  if (analytic.length !== param.length) return { maxError: Infinity, index: -1, analytic: NaN, numeric: NaN, checked: 0 };
  const order = Array.from(param.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const worst: GradCheckResult = { maxError: 0, index: -1, analytic: NaN, numeric: NaN, checked: 0 };
  for (const i of order.slice(0, samples)) {
    const saved = param[i] as number;
    param[i] = saved + h;
    const plus = f();
    param[i] = saved - h;
    const minus = f();
    param[i] = saved;
    const numeric = (plus - minus) / (2 * h);
    const a = analytic[i] as number;
    const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), floor);
    worst.checked++;
    if (!(err <= worst.maxError)) Object.assign(worst, { maxError: Number.isNaN(err) ? Infinity : err, index: i, analytic: a, numeric });
  }
  return worst;
}

/** Σ a·b: turns an op's output into a scalar whose gradient with respect to the output is `b`. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`dot: ${a.length} vs ${b.length} values`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** `length` float64 values uniform in [lo, hi). */
export function random64(length: number, rng: Rng, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
