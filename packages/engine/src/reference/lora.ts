/** LoRA merged into the base weights by hand: the oracle for unmerged LoRA in the fast path. */
import type { LoraWeights } from '../model/lora.js';
import type { GetWeight } from '../model/weight-names.js';

/**
 * W' = W + s · B·A.
 * @param W (N, K)
 * @param A (r, K)
 * @param B (N, r)
 * @returns (N, K), summed in float64
 */
export function mergeLoraForward(W: Float32Array, A: Float32Array, B: Float32Array, r: number, scaling: number): Float32Array {
  const K = A.length / r;
  const N = B.length / r;
  if (W.length !== N * K) throw new RangeError(`mergeLoraForward: W has ${W.length} values, B·A is ${N}×${K}`);
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      let delta = 0;
      for (let i = 0; i < r; i++) delta += (B[n * r + i] as number) * (A[i * K + k] as number);
      out[n * K + k] = (W[n * K + k] as number) + scaling * delta;
    }
  }
  return out;
}

/** A weight reader whose `<module>.weight` tensors have the adapter merged in. */
export function mergedLoraWeights(getWeight: GetWeight, adapter: LoraWeights): GetWeight {
  return (name) => {
    const w = getWeight(name);
    const m = name.endsWith('.weight') ? adapter.modules.get(name.slice(0, -'.weight'.length)) : undefined;
    return m ? mergeLoraForward(w, m.A, m.B, m.r, m.scaling ?? adapter.scaling) : w;
  };
}
