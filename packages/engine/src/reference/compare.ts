/** Comparing a fast path's output with its reference. */

/** The worst disagreement between two arrays, and where it is. */
export interface Mismatch {
  /** max over i of |got[i] − want[i]| / max(|want[i]|, floor). */
  maxError: number;
  index: number;
  got: number;
  want: number;
}

/**
 * Relative error with a floor on the denominator: relative for values of magnitude ≥ `floor`,
 * absolute below it, so sums that cancel to near zero do not blow the error up.
 * A length mismatch or a NaN counts as an infinite error.
 */
export function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>, floor = 1): Mismatch {
  const worst: Mismatch = { maxError: 0, index: -1, got: NaN, want: NaN };
  if (got.length !== want.length) return { ...worst, maxError: Infinity };
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const err = Math.abs(g - w) / Math.max(Math.abs(w), floor);
    // `!(err <= max)` also catches NaN.
    if (!(err <= worst.maxError)) {
      worst.maxError = Number.isNaN(err) ? Infinity : err;
      worst.index = i;
      worst.got = g;
      worst.want = w;
      if (worst.maxError === Infinity) break;
    }
  }
  return worst;
}
