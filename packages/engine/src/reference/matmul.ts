/**
 * Plain TypeScript matrix multiply: the oracle the ONNX Runtime MatMul is checked against.
 * Dimension letters: M rows of A, K shared dimension, N columns of B. All row-major.
 */

/**
 * out = a · b.
 * @param a (M, K)
 * @param b (K, N)
 * @returns (M, N), accumulated in float64 and rounded once to float32.
 */
export function matmulForward(a: Float32Array, b: Float32Array, M: number, K: number, N: number): Float32Array {
  if (a.length !== M * K) throw new RangeError(`matmulForward: a has ${a.length} elements, expected M*K = ${M * K}`);
  if (b.length !== K * N) throw new RangeError(`matmulForward: b has ${b.length} elements, expected K*N = ${K * N}`);
  const out = new Float32Array(M * N);
  const row = new Float64Array(N);
  for (let m = 0; m < M; m++) {
    row.fill(0);
    // i-k-j order walks b and row contiguously.
    for (let k = 0; k < K; k++) {
      const aik = a[m * K + k] as number;
      const bOffset = k * N;
      for (let n = 0; n < N; n++) row[n] = (row[n] as number) + aik * (b[bOffset + n] as number);
    }
    out.set(row, m * N);
  }
  return out;
}
