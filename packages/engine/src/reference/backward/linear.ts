/**
 * Float64 forwards and backwards of the linear ops of a Llama-layout block: plain linears,
 * LoRA linears and the embedding lookup. They are the oracles the training graphs are checked
 * against, and float64 so central finite differences can check them in turn.
 *
 * Dimension letters: T rows (positions), K inputs, N outputs, r LoRA rank, V vocabulary,
 * C hidden size. Row-major; weights `[out, in]` like PyTorch. Gradients are prefixed `d`.
 */

/** (N) sums of the rows of a (T, N) matrix: the gradient of a bias broadcast over rows. */
function sumRows(dy: Float64Array, N: number): Float64Array {
  const out = new Float64Array(N);
  for (let i = 0; i < dy.length; i++) out[i % N] = (out[i % N] as number) + (dy[i] as number);
  return out;
}

/**
 * out = a · bᵀ.
 * @param a (M, K)
 * @param b (N, K)
 * @returns (M, N)
 */
export function matmulTransposedForward(a: Float64Array, b: Float64Array, M: number, K: number, N: number): Float64Array {
  if (a.length !== M * K || b.length !== N * K)
    throw new RangeError(`matmulTransposedForward: a has ${a.length} values, b ${b.length}; M = ${M}, K = ${K}, N = ${N}`);
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (a[m * K + k] as number) * (b[n * K + k] as number);
      out[m * N + n] = acc;
    }
  }
  return out;
}

/** out = a · b for a (M, K), b (K, N); out (M, N). */
function matmul(a: Float64Array, b: Float64Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      const amk = a[m * K + k] as number;
      for (let n = 0; n < N; n++) out[m * N + n] = (out[m * N + n] as number) + amk * (b[k * N + n] as number);
    }
  }
  return out;
}

/** out = aᵀ · b for a (M, K), b (M, N); out (K, N). */
function matmulTransposedA(a: Float64Array, b: Float64Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(K * N);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      const amk = a[m * K + k] as number;
      for (let n = 0; n < N; n++) out[k * N + n] = (out[k * N + n] as number) + amk * (b[m * N + n] as number);
    }
  }
  return out;
}

/**
 * y = x · Wᵀ + bias, like `torch.nn.Linear`.
 * @param x (T, K)
 * @param W (N, K)
 * @param bias (N) or undefined
 * @returns y: (T, N)
 */
export function linearForward(x: Float64Array, W: Float64Array, bias: Float64Array | undefined, K: number, N: number): Float64Array {
  if (x.length % K !== 0) throw new RangeError(`linearForward: x has ${x.length} values, K = ${K}`);
  if (bias && bias.length !== N) throw new RangeError(`linearForward: bias has ${bias.length} values, N = ${N}`);
  const T = x.length / K;
  const y = matmulTransposedForward(x, W, T, K, N);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + (bias[i % N] as number);
  return y;
}

/**
 * Backward of `linearForward`: dx = dy · W, dW = dyᵀ · x, db = Σ_t dy.
 * @param dy (T, N)
 * @param x (T, K) — the forward input
 * @param W (N, K)
 * @returns dx (T, K), dW (N, K), db (N)
 */
export function linearBackward(
  dy: Float64Array,
  x: Float64Array,
  W: Float64Array,
  K: number,
  N: number,
): { dx: Float64Array; dW: Float64Array; db: Float64Array } {
  const T = x.length / K;
  if (dy.length !== T * N || W.length !== N * K)
    throw new RangeError(`linearBackward: dy has ${dy.length} values, W ${W.length}; T = ${T}, K = ${K}, N = ${N}`);
  return { dx: matmul(dy, W, T, N, K), dW: matmulTransposedA(dy, x, T, N, K), db: sumRows(dy, N) };
}

/** A LoRA adapter on one linear: A (r, K), B (N, r), and the scaling s = alpha / r. */
export interface LoraParams {
  A: Float64Array;
  B: Float64Array;
  r: number;
  scaling: number;
  /**
   * LoRA dropout as applied: per input value (T, K), 0 where dropped and 1 / (1 − p) where kept.
   * The LoRA branch reads x ⊙ keep; the frozen path reads x. Absent: no dropout.
   */
  keep?: Float64Array;
}

function dropped(x: Float64Array, keep: Float64Array | undefined): Float64Array {
  if (!keep) return x;
  if (keep.length !== x.length) throw new RangeError(`LoRA dropout: keep has ${keep.length} values, x ${x.length}`);
  return x.map((v, i) => v * (keep[i] as number));
}

/**
 * y = x · Wᵀ + bias + s · (x̃ · Aᵀ) · Bᵀ — PEFT's unmerged LoRA linear, x̃ = x ⊙ keep with
 * dropout (`lora.keep`), else x.
 * @param x (T, K)
 * @param W (N, K), frozen
 * @returns y: (T, N)
 */
export function loraLinearForward(x: Float64Array, W: Float64Array, bias: Float64Array | undefined, lora: LoraParams, K: number, N: number): Float64Array {
  const { A, B, r, scaling } = lora;
  if (A.length !== r * K || B.length !== N * r)
    throw new RangeError(`loraLinearForward: A has ${A.length} values, B ${B.length}; r = ${r}, K = ${K}, N = ${N}`);
  const T = x.length / K;
  const y = linearForward(x, W, bias, K, N);
  const u = matmulTransposedForward(dropped(x, lora.keep), A, T, K, r); // (T, r)
  const delta = matmulTransposedForward(u, B, T, r, N); // (T, N)
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + scaling * (delta[i] as number);
  return y;
}

/**
 * Backward of `loraLinearForward` with W (and bias) frozen. With x̃ = x ⊙ keep (or x) and u = x̃ · Aᵀ:
 * dB = s · dyᵀ · u, du = s · dy · B, dA = duᵀ · x̃, dx = dy · W + (du · A) ⊙ keep.
 * @param dy (T, N)
 * @param x (T, K) — the forward input
 * @returns dx (T, K), dA (r, K), dB (N, r)
 */
export function loraLinearBackward(
  dy: Float64Array,
  x: Float64Array,
  W: Float64Array,
  lora: LoraParams,
  K: number,
  N: number,
): { dx: Float64Array; dA: Float64Array; dB: Float64Array } {
  const { A, B, r, scaling } = lora;
  const T = x.length / K;
  if (dy.length !== T * N) throw new RangeError(`loraLinearBackward: dy has ${dy.length} values, want ${T * N}`);
  const xd = dropped(x, lora.keep);
  const u = matmulTransposedForward(xd, A, T, K, r); // (T, r)
  const dB = matmulTransposedA(dy, u, T, N, r).map((v) => scaling * v); // (N, r)
  const du = matmul(dy, B, T, N, r).map((v) => scaling * v); // (T, r)
  const dA = matmulTransposedA(du, xd, T, r, K); // (r, K)
  const dx = matmul(dy, W, T, N, K); // (T, K)
  const dxLora = dropped(matmul(du, A, T, r, K), lora.keep);
  for (let i = 0; i < dx.length; i++) dx[i] = (dx[i] as number) + (dxLora[i] as number);
  return { dx, dA, dB };
}

/**
 * Rows of the embedding table.
 * @param table (V, C)
 * @returns (T, C)
 */
export function embeddingForward(table: Float64Array, ids: readonly number[], C: number): Float64Array {
  const V = table.length / C;
  const out = new Float64Array(ids.length * C);
  ids.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`embeddingForward: token id ${id} is outside [0, ${V})`);
    out.set(table.subarray(id * C, (id + 1) * C), t * C);
  });
  return out;
}

/**
 * Backward of `embeddingForward`: each row of dy is added to its token's row (a token seen
 * twice gets both).
 * @param dy (T, C)
 * @returns dTable (V, C)
 */
export function embeddingBackward(dy: Float64Array, ids: readonly number[], V: number, C: number): Float64Array {
  if (dy.length !== ids.length * C) throw new RangeError(`embeddingBackward: dy has ${dy.length} values, want ${ids.length * C}`);
  const dTable = new Float64Array(V * C);
  ids.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`embeddingBackward: token id ${id} is outside [0, ${V})`);
    for (let c = 0; c < C; c++) dTable[id * C + c] = (dTable[id * C + c] as number) + (dy[t * C + c] as number);
  });
  return dTable;
}
