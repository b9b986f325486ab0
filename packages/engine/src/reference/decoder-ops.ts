/**
 * Plain TypeScript forwards of the ops of a Llama-layout block, the oracles the ONNX Runtime
 * graphs are checked against. Row-major everywhere; weights are PyTorch-style `[out, in]`.
 * Dimension letters: T new positions, S positions attended to (past + new), C hidden size,
 * H query heads, Hkv key/value heads, D head size, V vocabulary, I intermediate size.
 * Dot products accumulate in float64 and are rounded once to float32.
 */

/**
 * Rows of the embedding table.
 * @param table (V, C)
 * @returns x: (T, C)
 */
export function embeddingForward(table: Float32Array, ids: readonly number[], C: number): Float32Array {
  const V = table.length / C;
  const out = new Float32Array(ids.length * C);
  ids.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`embeddingForward: token id ${id} is outside [0, ${V})`);
    out.set(table.subarray(id * C, (id + 1) * C), t * C);
  });
  return out;
}

/**
 * RMSNorm as in Llama: x / sqrt(mean(x²) + eps) · weight, the mean taken in float64.
 * @param x (T, C)
 * @param weight (C)
 * @returns (T, C)
 */
export function rmsNormForward(x: Float32Array, weight: Float32Array, eps: number, C: number): Float32Array {
  if (x.length % C !== 0 || weight.length !== C) throw new RangeError(`rmsNormForward: x has ${x.length} values, weight ${weight.length}, C = ${C}`);
  const T = x.length / C;
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) {
    let sumSq = 0;
    for (let c = 0; c < C; c++) sumSq += (x[t * C + c] as number) ** 2;
    const inv = 1 / Math.sqrt(sumSq / C + eps);
    for (let c = 0; c < C; c++) out[t * C + c] = (x[t * C + c] as number) * inv * (weight[c] as number);
  }
  return out;
}

/**
 * y = x · Wᵀ + bias, like `torch.nn.Linear`.
 * @param x (T, K)
 * @param W (N, K) — `[out, in]`
 * @param bias (N) or undefined
 * @returns y: (T, N)
 */
export function linearForward(x: Float32Array, W: Float32Array, bias: Float32Array | undefined, K: number, N: number): Float32Array {
  if (x.length % K !== 0 || W.length !== N * K) throw new RangeError(`linearForward: x has ${x.length} values, W ${W.length}; K = ${K}, N = ${N}`);
  if (bias && bias.length !== N) throw new RangeError(`linearForward: bias has ${bias.length} values, N = ${N}`);
  const T = x.length / K;
  const out = new Float32Array(T * N);
  for (let t = 0; t < T; t++) {
    const xo = t * K;
    for (let n = 0; n < N; n++) {
      const wo = n * K;
      let acc = bias ? (bias[n] as number) : 0;
      for (let k = 0; k < K; k++) acc += (x[xo + k] as number) * (W[wo + k] as number);
      out[t * N + n] = acc;
    }
  }
  return out;
}

/** silu(x) = x · sigmoid(x). */
export function siluForward(x: Float32Array): Float32Array {
  return x.map((v) => v / (1 + Math.exp(-v)));
}

/** GELU with the tanh approximation (PyTorch's `gelu(approximate='tanh')`, Gemma's `gelu_pytorch_tanh`). */
export function geluTanhForward(x: Float32Array): Float32Array {
  const k = Math.sqrt(2 / Math.PI);
  return x.map((v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))));
}

/** cap · tanh(x / cap): Gemma 2's soft-capping of scores and logits. */
export function softcapForward(x: Float32Array, cap: number): Float32Array {
  return x.map((v) => cap * Math.tanh(v / cap));
}

/**
 * Softmax over each row, in place-free float64.
 * @param x (R, N)
 * @returns (R, N)
 */
export function softmaxForward(x: Float32Array, N: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / N; r++) {
    let max = -Infinity;
    for (let n = 0; n < N; n++) max = Math.max(max, x[r * N + n] as number);
    let sum = 0;
    const e = new Float64Array(N);
    for (let n = 0; n < N; n++) sum += e[n] = Math.exp((x[r * N + n] as number) - max);
    for (let n = 0; n < N; n++) out[r * N + n] = (e[n] as number) / sum;
  }
  return out;
}

/** Weights of a gated MLP, `[out, in]`; biases only when the config has `mlp_bias`. */
export interface MlpWeights {
  gate: Float32Array; // (I, C)
  up: Float32Array; // (I, C)
  down: Float32Array; // (C, I)
  gateBias?: Float32Array | undefined;
  upBias?: Float32Array | undefined;
  downBias?: Float32Array | undefined;
}

/**
 * Gated MLP: down(act(gate(x)) · up(x)), act silu (SwiGLU, Llama) or tanh-GELU (GeGLU, Gemma).
 * @param x (T, C)
 * @returns (T, C)
 */
export function gatedMlpForward(x: Float32Array, w: MlpWeights, C: number, I: number, activation: 'silu' | 'gelu_tanh' = 'silu'): Float32Array {
  const preact = linearForward(x, w.gate, w.gateBias, C, I); // (T, I)
  const gate = activation === 'silu' ? siluForward(preact) : geluTanhForward(preact);
  const up = linearForward(x, w.up, w.upBias, C, I); // (T, I)
  for (let i = 0; i < gate.length; i++) gate[i] = (gate[i] as number) * (up[i] as number);
  return linearForward(gate, w.down, w.downBias, I, C);
}

/**
 * Rotary embedding in the Hugging Face convention (`rotate_half`: the first half of each head
 * pairs with the second half): out = x·cos + rotate_half(x)·sin.
 * @param x (T, heads, D)
 * @param cos (T, D/2) — cos of position·inv_freq, one row per position of x
 * @param sin (T, D/2)
 * @returns (T, heads, D)
 */
export function ropeForward(x: Float32Array, cos: Float32Array, sin: Float32Array, heads: number, D: number): Float32Array {
  const half = D / 2;
  const T = x.length / (heads * D);
  if (cos.length !== T * half || sin.length !== T * half) throw new RangeError(`ropeForward: cos/sin need ${T}×${half} values`);
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * D;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i] as number;
        const s = sin[t * half + i] as number;
        const x1 = x[o + i] as number;
        const x2 = x[o + half + i] as number;
        out[o + i] = x1 * c - x2 * s;
        out[o + half + i] = x2 * c + x1 * s;
      }
    }
  }
  return out;
}

/** How scores are formed: scale (default 1/√D), optional soft-cap, optional sliding window. */
export interface AttentionOptions {
  scale?: number;
  softcap?: number | null;
  /** A query sees only the `window` latest positions, itself included (null: all earlier ones). */
  window?: number | null;
}

/**
 * Causal grouped-query attention: query head h reads key/value head h / (H / Hkv). New position
 * t (absolute position past + t) attends to key positions 0 … past + t (the last `window` of
 * them with a window). Scores are q·k·scale, soft-capped when asked.
 * @param q (T, H, D) — already rotated
 * @param k (S, Hkv, D) — past and new keys, already rotated; S = past + T
 * @param v (S, Hkv, D)
 * @returns (T, H·D)
 */
export function causalAttentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  H: number,
  Hkv: number,
  D: number,
  options: AttentionOptions = {},
): Float32Array {
  const T = q.length / (H * D);
  const S = k.length / (Hkv * D);
  const past = S - T;
  if (past < 0 || v.length !== k.length) throw new RangeError(`causalAttentionForward: ${T} queries, ${S} keys, ${v.length / (Hkv * D)} values`);
  const group = H / Hkv;
  const scale = options.scale ?? 1 / Math.sqrt(D);
  const cap = options.softcap ?? null;
  const out = new Float32Array(T * H * D);
  const scores = new Float64Array(S);
  for (let t = 0; t < T; t++) {
    const visible = past + t + 1;
    const first = options.window ? Math.max(0, visible - options.window) : 0;
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      const qo = (t * H + h) * D;
      let max = -Infinity;
      for (let s = first; s < visible; s++) {
        const ko = (s * Hkv + kvh) * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += (q[qo + d] as number) * (k[ko + d] as number);
        const score = cap === null ? dot * scale : cap * Math.tanh((dot * scale) / cap);
        scores[s] = score;
        max = Math.max(max, score);
      }
      let sum = 0;
      for (let s = first; s < visible; s++) sum += scores[s] = Math.exp((scores[s] as number) - max);
      const acc = new Float64Array(D);
      for (let s = first; s < visible; s++) {
        const p = (scores[s] as number) / sum;
        const vo = (s * Hkv + kvh) * D;
        for (let d = 0; d < D; d++) acc[d] = (acc[d] as number) + p * (v[vo + d] as number);
      }
      out.set(acc, qo);
    }
  }
  return out;
}
