/** Seeded pseudo-random numbers, so tests and benchmarks are repeatable. */

/** A generator of uniform floats in [0, 1). */
export type Rng = () => number;

/** Mulberry32: a tiny 32-bit-state generator, plenty for test data (not for cryptography). */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` floats uniform in [lo, hi). */
export function randomUniform(length: number, rng: Rng, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
