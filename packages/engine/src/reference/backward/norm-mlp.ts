/**
 * Float64 forwards and backwards of RMSNorm, SiLU, tanh-GELU, soft-capping, softmax and the
 * SwiGLU MLP.
 *
 * Dimension letters: T rows, C hidden size, I intermediate size, N softmax width.
 * Row-major; weights `[out, in]`. Gradients are prefixed `d`.
 */
import { linearBackward, linearForward } from './linear.js';

/**
 * RMSNorm as in Llama: y = x · rstd · w, rstd = 1 / sqrt(mean(x²) + eps) per row.
 * @param x (T, C)
 * @param w (C)
 * @returns y: (T, C)
 */
export function rmsNormForward(x: Float64Array, w: Float64Array, eps: number, C: number): Float64Array {
  if (x.length % C !== 0 || w.length !== C) throw new RangeError(`rmsNormForward: x has ${x.length} values, w ${w.length}, C = ${C}`);
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length / C; t++) {
    let sumSq = 0;
    for (let c = 0; c < C; c++) sumSq += (x[t * C + c] as number) ** 2;
    const rstd = 1 / Math.sqrt(sumSq / C + eps);
    for (let c = 0; c < C; c++) y[t * C + c] = (x[t * C + c] as number) * rstd * (w[c] as number);
  }
  return y;
}

/**
 * Backward of `rmsNormForward`. With g = dy · w per row:
 * dx = rstd · g − x · rstd³ · mean(g · x), dw = Σ_t dy · x · rstd.
 * @param dy (T, C)
 * @param x (T, C) — the forward input
 * @returns dx (T, C), dw (C)
 */
export function rmsNormBackward(dy: Float64Array, x: Float64Array, w: Float64Array, eps: number, C: number): { dx: Float64Array; dw: Float64Array } {
  if (dy.length !== x.length || w.length !== C) throw new RangeError(`rmsNormBackward: dy has ${dy.length} values, x ${x.length}, w ${w.length}`);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(C);
  for (let t = 0; t < x.length / C; t++) {
    const o = t * C;
    let sumSq = 0;
    for (let c = 0; c < C; c++) sumSq += (x[o + c] as number) ** 2;
    const rstd = 1 / Math.sqrt(sumSq / C + eps);
    let gx = 0; // Σ_c dy·w·x
    for (let c = 0; c < C; c++) gx += (dy[o + c] as number) * (w[c] as number) * (x[o + c] as number);
    for (let c = 0; c < C; c++) {
      const xc = x[o + c] as number;
      const dyc = dy[o + c] as number;
      dx[o + c] = rstd * dyc * (w[c] as number) - (xc * rstd ** 3 * gx) / C;
      dw[c] = (dw[c] as number) + dyc * xc * rstd;
    }
  }
  return { dx, dw };
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** silu(x) = x · sigmoid(x), elementwise. */
export function siluForward(x: Float64Array): Float64Array {
  return x.map((v) => v * sigmoid(v));
}

/** Backward of `siluForward`: dx = dy · σ(x) · (1 + x · (1 − σ(x))). */
export function siluBackward(dy: Float64Array, x: Float64Array): Float64Array {
  if (dy.length !== x.length) throw new RangeError(`siluBackward: dy has ${dy.length} values, x ${x.length}`);
  return x.map((v, i) => {
    const s = sigmoid(v);
    return (dy[i] as number) * s * (1 + v * (1 - s));
  });
}

/** √(2/π), the tanh-GELU constant. */
const GELU_C = Math.sqrt(2 / Math.PI);

/** tanh-GELU (PyTorch approximate='tanh', Gemma's gelu_pytorch_tanh): 0.5·x·(1 + tanh(c·(x + 0.044715·x³))). */
export function geluTanhForward(x: Float64Array): Float64Array {
  return x.map((v) => 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v))));
}

/**
 * Backward of `geluTanhForward`: with u = c·(x + 0.044715·x³), t = tanh(u),
 * dx = dy · (0.5·(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3·0.044715·x²)).
 */
export function geluTanhBackward(dy: Float64Array, x: Float64Array): Float64Array {
  if (dy.length !== x.length) throw new RangeError(`geluTanhBackward: dy has ${dy.length} values, x ${x.length}`);
  return x.map((v, i) => {
    const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    return (dy[i] as number) * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v));
  });
}

/** The gate activation of a gated MLP (architecture.ts `activation`), forward. */
export function activationForward(activation: 'silu' | 'gelu_tanh', x: Float64Array): Float64Array {
  return activation === 'silu' ? siluForward(x) : geluTanhForward(x);
}

/** The gate activation's backward: dx from dy and the forward input x. */
export function activationBackward(activation: 'silu' | 'gelu_tanh', dy: Float64Array, x: Float64Array): Float64Array {
  return activation === 'silu' ? siluBackward(dy, x) : geluTanhBackward(dy, x);
}

/** Soft-capping cap·tanh(x / cap), elementwise (Gemma 2's scores and logits). */
export function softcapForward(x: Float64Array, cap: number): Float64Array {
  return x.map((v) => cap * Math.tanh(v / cap));
}

/** Backward of `softcapForward`: dx = dy · (1 − tanh²(x / cap)). */
export function softcapBackward(dy: Float64Array, x: Float64Array, cap: number): Float64Array {
  if (dy.length !== x.length) throw new RangeError(`softcapBackward: dy has ${dy.length} values, x ${x.length}`);
  return x.map((v, i) => {
    const t = Math.tanh(v / cap);
    return (dy[i] as number) * (1 - t * t);
  });
}

/**
 * Softmax over each row.
 * @param x (R, N)
 * @returns y: (R, N)
 */
export function softmaxForward(x: Float64Array, N: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let o = 0; o < x.length; o += N) {
    let max = -Infinity;
    for (let n = 0; n < N; n++) max = Math.max(max, x[o + n] as number);
    let sum = 0;
    for (let n = 0; n < N; n++) sum += y[o + n] = Math.exp((x[o + n] as number) - max);
    for (let n = 0; n < N; n++) y[o + n] = (y[o + n] as number) / sum;
  }
  return y;
}

/**
 * Backward of `softmaxForward`, from its output: dx = y · (dy − Σ_n dy · y) per row.
 * @param dy (R, N)
 * @param y (R, N) — the forward output
 * @returns dx: (R, N)
 */
export function softmaxBackward(dy: Float64Array, y: Float64Array, N: number): Float64Array {
  if (dy.length !== y.length || y.length % N !== 0) throw new RangeError(`softmaxBackward: dy has ${dy.length} values, y ${y.length}, N = ${N}`);
  const dx = new Float64Array(y.length);
  for (let o = 0; o < y.length; o += N) {
    let dot = 0;
    for (let n = 0; n < N; n++) dot += (dy[o + n] as number) * (y[o + n] as number);
    for (let n = 0; n < N; n++) dx[o + n] = (y[o + n] as number) * ((dy[o + n] as number) - dot);
  }
  return dx;
}

/** Weights of a SwiGLU MLP in float64, `[out, in]`; biases only when the config has `mlp_bias`. */
export interface MlpWeights {
  gate: Float64Array; // (I, C)
  up: Float64Array; // (I, C)
  down: Float64Array; // (C, I)
  gateBias?: Float64Array | undefined; // (I)
  upBias?: Float64Array | undefined; // (I)
  downBias?: Float64Array | undefined; // (C)
}

/** Gradients of a SwiGLU MLP's input and every weight (biases always, zero-cost when unused). */
export interface MlpGrads {
  dx: Float64Array; // (T, C)
  dGate: Float64Array; // (I, C)
  dUp: Float64Array; // (I, C)
  dDown: Float64Array; // (C, I)
  dGateBias: Float64Array; // (I)
  dUpBias: Float64Array; // (I)
  dDownBias: Float64Array; // (C)
}

/**
 * Llama MLP: down(silu(gate(x)) · up(x)).
 * @param x (T, C)
 * @returns (T, C)
 */
export function swigluMlpForward(x: Float64Array, w: MlpWeights, C: number, I: number): Float64Array {
  const a = siluForward(linearForward(x, w.gate, w.gateBias, C, I)); // (T, I)
  const u = linearForward(x, w.up, w.upBias, C, I); // (T, I)
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * (u[i] as number);
  return linearForward(a, w.down, w.downBias, I, C);
}

/**
 * Backward of `swigluMlpForward` (recomputes the forward's intermediates from x).
 * @param dy (T, C)
 * @param x (T, C) — the forward input
 */
export function swigluMlpBackward(dy: Float64Array, x: Float64Array, w: MlpWeights, C: number, I: number): MlpGrads {
  const g = linearForward(x, w.gate, w.gateBias, C, I); // (T, I)
  const sg = siluForward(g);
  const u = linearForward(x, w.up, w.upBias, C, I); // (T, I)
  const a = sg.map((v, i) => v * (u[i] as number)); // (T, I)
  const down = linearBackward(dy, a, w.down, I, C); // dx: (T, I)
  const dg = siluBackward(
    down.dx.map((v, i) => v * (u[i] as number)),
    g,
  );
  const du = down.dx.map((v, i) => v * (sg[i] as number));
  const gate = linearBackward(dg, x, w.gate, C, I);
  const up = linearBackward(du, x, w.up, C, I);
  return {
    dx: gate.dx.map((v, i) => v + (up.dx[i] as number)),
    dGate: gate.dW,
    dUp: up.dW,
    dDown: down.dW,
    dGateBias: gate.db,
    dUpBias: up.db,
    dDownBias: down.db,
  };
}
