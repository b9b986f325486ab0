/** Plain TypeScript elementwise ops, oracles for their ONNX Runtime counterparts. Row-major. */

/** out = a + b, same shapes. */
export function addForward(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length !== b.length) throw new RangeError(`addForward: ${a.length} vs ${b.length} elements`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  return out;
}

/**
 * out = x + bias, the bias broadcast over rows (ONNX Add of (M, N) and (N)).
 * @param x (M, N)
 * @param bias (N)
 */
export function addBiasForward(x: Float32Array, bias: Float32Array, M: number, N: number): Float32Array {
  if (x.length !== M * N || bias.length !== N) {
    throw new RangeError(`addBiasForward: x has ${x.length} (want ${M * N}), bias ${bias.length} (want ${N})`);
  }
  const out = new Float32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) out[m * N + n] = (x[m * N + n] as number) + (bias[n] as number);
  }
  return out;
}

/** out = max(x, 0). */
export function reluForward(x: Float32Array): Float32Array {
  return x.map((v) => (v > 0 ? v : 0));
}
