/**
 * Float64 forwards and backwards of rotary embedding and causal grouped-query attention (with
 * the score scale, soft-cap and sliding window of the families in model/architecture.ts).
 *
 * Dimension letters: T new positions, S positions attended to (past + new), H query heads,
 * Hkv key/value heads (each shared by H / Hkv query heads), D head size.
 */

/**
 * Rotary embedding, Hugging Face `rotate_half` convention: pairs (i, i + D/2) turned by angle θ,
 * out1 = x1·cos − x2·sin, out2 = x2·cos + x1·sin.
 * @param x (T, heads, D)
 * @param cos (T, D/2)
 * @param sin (T, D/2)
 * @returns (T, heads, D)
 */
export function ropeForward(x: Float64Array, cos: ArrayLike<number>, sin: ArrayLike<number>, heads: number, D: number): Float64Array {
  return rotate(x, cos, sin, 1, heads, D, 'ropeForward');
}

/**
 * Backward of `ropeForward`: the rotation is orthogonal, so dx is dy turned back by −θ
 * (the transpose): dx1 = dy1·cos + dy2·sin, dx2 = dy2·cos − dy1·sin.
 * @param dy (T, heads, D)
 * @returns dx: (T, heads, D)
 */
export function ropeBackward(dy: Float64Array, cos: ArrayLike<number>, sin: ArrayLike<number>, heads: number, D: number): Float64Array {
  return rotate(dy, cos, sin, -1, heads, D, 'ropeBackward');
}

/** Turns each pair by sign·θ. */
function rotate(x: Float64Array, cos: ArrayLike<number>, sin: ArrayLike<number>, sign: 1 | -1, heads: number, D: number, op: string): Float64Array {
  const half = D / 2;
  const T = x.length / (heads * D);
  if (!Number.isInteger(T) || cos.length !== T * half || sin.length !== T * half)
    throw new RangeError(`${op}: x has ${x.length} values; cos/sin need ${T}×${half}`);
  const out = new Float64Array(x.length);
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < heads; h++) {
      const o = (t * heads + h) * D;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i] as number;
        const s = sign * (sin[t * half + i] as number);
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
  /** Scores z become cap·tanh(z / cap) before the softmax (Gemma 2), or null. */
  softcap?: number | null;
  /** A query at absolute position i sees keys j with i − window < j ≤ i (null: every j ≤ i). */
  window?: number | null;
}

interface AttentionShape {
  T: number;
  S: number;
  past: number;
  group: number;
  scale: number;
  softcap: number | null;
  window: number | null;
}

function attentionShape(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  H: number,
  Hkv: number,
  D: number,
  options: AttentionOptions,
  op: string,
): AttentionShape {
  const T = q.length / (H * D);
  const S = k.length / (Hkv * D);
  if (!Number.isInteger(T) || !Number.isInteger(S) || S < T || v.length !== k.length || H % Hkv !== 0) {
    throw new RangeError(`${op}: q has ${q.length} values, k ${k.length}, v ${v.length}; H = ${H}, Hkv = ${Hkv}, D = ${D}`);
  }
  return { T, S, past: S - T, group: H / Hkv, scale: options.scale ?? 1 / Math.sqrt(D), softcap: options.softcap ?? null, window: options.window ?? null };
}

/**
 * Softmax of query t, head h over its visible keys first … past + t (`first` > 0 only with a
 * window): p (past + t + 1 − first) over z = q·kᵀ·scale, soft-capped when asked; `dcap` is
 * dz_capped / dz = 1 − tanh²(z / cap) per key (1 without a cap).
 */
function attentionProbs(
  q: Float64Array,
  k: Float64Array,
  t: number,
  h: number,
  H: number,
  Hkv: number,
  D: number,
  shape: AttentionShape,
): { p: Float64Array; first: number; dcap: Float64Array } {
  const kvh = Math.floor(h / shape.group);
  const qo = (t * H + h) * D;
  const visible = shape.past + t + 1;
  const first = shape.window === null ? 0 : Math.max(0, visible - shape.window);
  const p = new Float64Array(visible - first);
  const dcap = new Float64Array(p.length).fill(1);
  const cap = shape.softcap;
  let max = -Infinity;
  for (let i = 0; i < p.length; i++) {
    const ko = ((first + i) * Hkv + kvh) * D;
    let dot = 0;
    for (let d = 0; d < D; d++) dot += (q[qo + d] as number) * (k[ko + d] as number);
    let z = dot * shape.scale;
    if (cap !== null) {
      const tz = Math.tanh(z / cap);
      z = cap * tz;
      dcap[i] = 1 - tz * tz;
    }
    p[i] = z;
    max = Math.max(max, z);
  }
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i] = Math.exp((p[i] as number) - max);
  for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / sum;
  return { p, first, dcap };
}

/**
 * Causal grouped-query attention: query head h reads key/value head h / (H / Hkv); new position t
 * (absolute past + t) attends to keys 0 … past + t (the last `window` of them with a window).
 * @param q (T, H, D) — already rotated
 * @param k (S, Hkv, D) — already rotated, S = past + T
 * @param v (S, Hkv, D)
 * @returns (T, H·D)
 */
export function causalAttentionForward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  H: number,
  Hkv: number,
  D: number,
  options: AttentionOptions = {},
): Float64Array {
  const shape = attentionShape(q, k, v, H, Hkv, D, options, 'causalAttentionForward');
  const out = new Float64Array(shape.T * H * D);
  for (let t = 0; t < shape.T; t++) {
    for (let h = 0; h < H; h++) {
      const { p, first } = attentionProbs(q, k, t, h, H, Hkv, D, shape);
      const kvh = Math.floor(h / shape.group);
      const oo = (t * H + h) * D;
      for (let i = 0; i < p.length; i++) {
        const vo = ((first + i) * Hkv + kvh) * D;
        for (let d = 0; d < D; d++) out[oo + d] = (out[oo + d] as number) + (p[i] as number) * (v[vo + d] as number);
      }
    }
  }
  return out;
}

/**
 * Backward of `causalAttentionForward` (recomputes the probabilities). Per query t, head h with
 * probabilities p over its visible keys: dv[s] += p[s]·dout, dp[s] = dout·v[s],
 * dz = p·(dp − Σ p·dp) · (1 − tanh²(z/cap) with a soft-cap), dq += scale·Σ_s dz[s]·k[s],
 * dk[s] += scale·dz[s]·q. Keys and values gather the gradients of every query head that shares
 * them (GQA).
 * @param dout (T, H·D)
 * @returns dq (T, H, D), dk (S, Hkv, D), dv (S, Hkv, D)
 */
export function causalAttentionBackward(
  dout: Float64Array,
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  H: number,
  Hkv: number,
  D: number,
  options: AttentionOptions = {},
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const shape = attentionShape(q, k, v, H, Hkv, D, options, 'causalAttentionBackward');
  if (dout.length !== q.length) throw new RangeError(`causalAttentionBackward: dout has ${dout.length} values, q ${q.length}`);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  for (let t = 0; t < shape.T; t++) {
    for (let h = 0; h < H; h++) {
      const { p, first, dcap } = attentionProbs(q, k, t, h, H, Hkv, D, shape);
      const kvh = Math.floor(h / shape.group);
      const qo = (t * H + h) * D;
      const dp = new Float64Array(p.length);
      let pdp = 0;
      for (let i = 0; i < p.length; i++) {
        const vo = ((first + i) * Hkv + kvh) * D;
        let dot = 0;
        for (let d = 0; d < D; d++) {
          dot += (dout[qo + d] as number) * (v[vo + d] as number);
          dv[vo + d] = (dv[vo + d] as number) + (p[i] as number) * (dout[qo + d] as number);
        }
        dp[i] = dot;
        pdp += (p[i] as number) * dot;
      }
      for (let i = 0; i < p.length; i++) {
        const dz = (p[i] as number) * ((dp[i] as number) - pdp) * (dcap[i] as number) * shape.scale;
        const ko = ((first + i) * Hkv + kvh) * D;
        for (let d = 0; d < D; d++) {
          dq[qo + d] = (dq[qo + d] as number) + dz * (k[ko + d] as number);
          dk[ko + d] = (dk[ko + d] as number) + dz * (q[qo + d] as number);
        }
      }
    }
  }
  return { dq, dk, dv };
}
