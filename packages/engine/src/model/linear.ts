/**
 * Weight formats of a linear layer y = x · Wᵀ (+ bias), W `[N = out, K = in]`, and how each
 * becomes ONNX nodes. Formats as data: each names its kernel, its layout and its error.
 *
 * - `fp32`:  W as is, `Gemm(transB = 1)`; the weight is a graph input (no copy).
 * - `nf4`:   bitsandbytes NF4 (block 64, high nibble first), `com.microsoft.MatMulBnb4`; the
 *            packed bytes are a graph input. Bit-exact NF4 semantics.
 * - `int8` / `int4`: symmetric blockwise integers along K (`q = round(w / s)`, s = absmax/127
 *            or absmax/7, zero point 2^(bits−1) implied), `com.microsoft.MatMulNBits` with
 *            `accuracy_level` 4 (activations quantized to int8 per block too). The weight must
 *            be an initializer: ONNX Runtime prepacks it then, and is 10–100× slower when it is
 *            an input (bench/lab-matmul.ts).
 */
import { EngineError } from '../errors.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { attr, makeTensor, type TensorValue } from '../onnx/model.js';
import type { Nf4Tensor } from '../quant/index.js';

/** Block size of the MatMulNBits formats (along K): 64 ran 15–20% faster than 32 (bench/lab-block.ts). */
export const NBITS_BLOCK_SIZE = 64;

/**
 * Error budgets of the MatMulNBits formats: every weight is within `relativeToAbsmax` × its
 * block's absmax of the original (half a quantization step). The kernel also rounds the
 * activations to int8 per block (accuracy_level 4): a linear's output is then within ~1% of the
 * float product on the dequantized weight (test/model-linear.test.ts).
 */
export const NBITS_ERROR_BUDGET = {
  int8: { bits: 8, relativeToAbsmax: 1 / (2 * 127) },
  int4: { bits: 4, relativeToAbsmax: 1 / (2 * 7) },
} as const;

/** Layout-independent sizes every format carries. */
interface LinearBase {
  N: number;
  K: number;
  /** (N) */
  bias?: Float32Array | undefined;
}

/** One linear's weights in the format its kernel reads. */
export type LinearWeights =
  | (LinearBase & { format: 'fp32'; weight: Float32Array /* (N, K) */ })
  | (LinearBase & { format: 'nf4'; nf4: Nf4Tensor /* N·K values */ })
  | (LinearBase & { format: 'int8' | 'int4'; blockSize: number; data: Uint8Array /* (N, K/block, block·bits/8) */; scales: Float32Array /* (N, K/block) */ });

/** Bits per code of the MatMulNBits formats. */
export function nbitsOf(format: 'int8' | 'int4'): 4 | 8 {
  return format === 'int8' ? 8 : 4;
}

/**
 * Symmetric blockwise quantization for MatMulNBits: per block of `blockSize` values along K
 * (the last one of a row padded when K is not a multiple), s = absmax / (2^(bits−1) − 1),
 * code = round(w · (1/s)) + 2^(bits−1), packed low nibble first for 4 bits. An all-zero block gets
 * s = 0 (its codes decode to 0).
 * @param w (N, K)
 */
export function quantizeNBits(w: Float32Array, N: number, K: number, bits: 4 | 8, blockSize = NBITS_BLOCK_SIZE): { data: Uint8Array; scales: Float32Array } {
  if (w.length !== N * K) throw new EngineError('INVALID_ARGUMENT', `quantizeNBits: ${w.length} values for a ${N}×${K} weight.`);
  const blocks = Math.ceil(K / blockSize);
  const qmax = 2 ** (bits - 1) - 1;
  const zero = 2 ** (bits - 1);
  const blob = (blockSize * bits) / 8;
  const data = new Uint8Array(N * blocks * blob);
  const scales = new Float32Array(N * blocks);
  const codes = new Uint8Array(blockSize);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const start = n * K + b * blockSize;
      const size = Math.min(blockSize, K - b * blockSize); // the last block of a row may be short
      let amax = 0;
      for (let i = 0; i < size; i++) {
        const v = w[start + i] as number;
        if (v > amax) amax = v;
        else if (-v > amax) amax = -v;
      }
      const scale = Math.fround(amax / qmax);
      scales[n * blocks + b] = scale;
      const inv = scale === 0 ? 0 : 1 / scale;
      codes.fill(zero); // padding decodes to 0
      for (let i = 0; i < size; i++) {
        // |w·inv| ≤ qmax (+ rounding), so only the negative end needs a clamp.
        const q = Math.round((w[start + i] as number) * inv);
        codes[i] = (q < -zero ? -zero : q > qmax ? qmax : q) + zero;
      }
      const out = (n * blocks + b) * blob;
      if (bits === 8) data.set(codes, out);
      else for (let i = 0; i < blob; i++) data[out + i] = (codes[2 * i] as number) | ((codes[2 * i + 1] as number) << 4);
    }
  }
  return { data, scales };
}

/** The float32 weight (N, K) that an int8/int4 linear represents: (code − 2^(bits−1)) · s. */
export function dequantizeNBits(w: Extract<LinearWeights, { format: 'int8' | 'int4' }>): Float32Array {
  const { N, K, blockSize } = w;
  const bits = nbitsOf(w.format);
  const blocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const out = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / blockSize);
      const i = k % blockSize;
      const byte = w.data[(n * blocks + b) * blob + (bits === 8 ? i : i >> 1)] as number;
      const code = bits === 8 ? byte : i % 2 === 0 ? byte & 0x0f : byte >> 4;
      out[n * K + k] = (code - 2 ** (bits - 1)) * (w.scales[n * blocks + b] as number);
    }
  }
  return out;
}

/**
 * Stacks linears that read the same input into one (rows concatenated: N = ΣNᵢ), so a block runs
 * one q/k/v and one gate/up matmul. Every part must have the same format and K; NF4 parts must
 * each fill whole blocks so their flat layouts concatenate.
 */
export function stackLinears(parts: readonly LinearWeights[]): LinearWeights {
  const first = parts[0];
  if (!first) throw new EngineError('INVALID_ARGUMENT', 'stackLinears needs at least one linear.');
  if (parts.length === 1) return first;
  const N = parts.reduce((n, p) => n + p.N, 0);
  const K = first.K;
  if (parts.some((p) => p.format !== first.format || p.K !== K)) throw new EngineError('INVALID_ARGUMENT', 'stackLinears: parts differ in format or K.');
  const hasBias = parts.some((p) => p.bias);
  const bias = hasBias ? concat(parts.map((p) => p.bias ?? new Float32Array(p.N))) : undefined;
  switch (first.format) {
    case 'fp32':
      return { format: 'fp32', N, K, bias, weight: concat(parts.map((p) => (p as typeof first).weight)) };
    case 'nf4': {
      const nf4s = parts.map((p) => (p as typeof first).nf4);
      const blockSize = first.nf4.blockSize;
      if (nf4s.some((t) => t.blockSize !== blockSize || t.length % blockSize !== 0)) {
        throw new EngineError('INVALID_ARGUMENT', `stackLinears: NF4 parts must fill whole blocks of ${blockSize}.`);
      }
      return {
        format: 'nf4',
        N,
        K,
        bias,
        nf4: { packed: concatBytes(nf4s.map((t) => t.packed)), absmax: concat(nf4s.map((t) => t.absmax)), blockSize, length: N * K },
      };
    }
    case 'int8':
    case 'int4': {
      const typed = parts as Extract<LinearWeights, { format: 'int8' | 'int4' }>[];
      return {
        format: first.format,
        N,
        K,
        bias,
        blockSize: first.blockSize,
        data: concatBytes(typed.map((p) => p.data)),
        scales: concat(typed.map((p) => p.scales)),
      };
    }
  }
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function concatBytes(arrays: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/**
 * Where a graph's tensors come from: `input` declares a graph input and records the data to
 * feed on every run (weights fed without a copy), `initializer` stores it in the model.
 */
export interface TensorSink {
  add(name: string, tensor: TensorValue, as: 'input' | 'initializer'): string;
}

/**
 * Adds y = x · Wᵀ (+ bias) to the graph.
 * @param x (T, K) — a 2-D value
 * @returns the name of y: (T, N)
 */
export function emitLinear(g: GraphBuilder, sink: TensorSink, x: string, name: string, w: LinearWeights): string {
  const { N, K } = w;
  let y: string;
  switch (w.format) {
    case 'fp32': {
      const weight = sink.add(`${name}.weight`, makeTensor('float32', [N, K], w.weight), 'input');
      y = g.op('Gemm', [x, weight], { transB: attr.int(1) }, { name: `${name}.gemm` });
      break;
    }
    case 'nf4': {
      const packed = sink.add(`${name}.nf4`, makeTensor('uint8', [w.nf4.packed.length], w.nf4.packed), 'input');
      const absmax = sink.add(`${name}.absmax`, makeTensor('float32', [w.nf4.absmax.length], w.nf4.absmax), 'input');
      const attrs = { K: attr.int(K), N: attr.int(N), block_size: attr.int(w.nf4.blockSize), quant_type: attr.int(1) };
      y = g.op('MatMulBnb4', [x, packed, absmax], attrs, { domain: 'com.microsoft', name: `${name}.matmul_bnb4` });
      break;
    }
    case 'int8':
    case 'int4': {
      const bits = nbitsOf(w.format);
      const blocks = Math.ceil(K / w.blockSize);
      const data = sink.add(`${name}.q${bits}`, makeTensor('uint8', [N, blocks, (w.blockSize * bits) / 8], w.data), 'initializer');
      const scales = sink.add(`${name}.scales`, makeTensor('float32', [N, blocks], w.scales), 'initializer');
      const attrs = { K: attr.int(K), N: attr.int(N), bits: attr.int(bits), block_size: attr.int(w.blockSize), accuracy_level: attr.int(4) };
      y = g.op('MatMulNBits', [x, data, scales], attrs, { domain: 'com.microsoft', name: `${name}.matmul_nbits` });
      break;
    }
  }
  if (!w.bias) return y;
  return g.op('Add', [y, sink.add(`${name}.bias`, makeTensor('float32', [N], w.bias), 'input')]);
}
