/**
 * NF4 (4-bit NormalFloat, QLoRA) blockwise quantization, bit-exact with bitsandbytes.
 *
 * bitsandbytes' CUDA kernel (`kQuantizeBlockwise<…, NF4>`, `dQuantizeNF4`) does, per block:
 *   absmax = max |x|                       (float32, exact)
 *   r      = 1.0f / absmax                 (one float32 reciprocal per block)
 *   code   = dQuantizeNF4(x · r)           (float32 product, then a tree of `>` tests)
 * and dequantization is `NF4[code] · absmax` in float32. Here every step is done in float64
 * and rounded once with `Math.fround`, which gives the same float32 result for a single
 * +, ×, ÷ of float32 operands (53 ≥ 2·24 + 2 bits), so the codes and values match.
 *
 * One known limit: bitsandbytes builds its CUDA kernels with `--use_fast_math`, so there
 * `1.0f / absmax` is the approximate reciprocal (≤ 1 ulp off), not the IEEE quotient used
 * here; a value whose scaled x lies within about one ulp of a threshold can land on the
 * neighbouring code there. bitsandbytes' pure-PyTorch fallback (`backends/default/ops.py`)
 * picks argmin |x·r − NF4| instead, which also differs only that close to a threshold.
 */
import { EngineError } from '../errors.js';
import { assertNf4Arrays, nf4Layout, NF4_FORMAT } from './format.js';

/**
 * The 16 NF4 values, ascending, exactly as bitsandbytes `get_4bit_type('nf4')` lists them
 * (and as its CUDA `nf4_dequantization_lut` and ONNX Runtime's `nf4_qaunt_map` hold them),
 * rounded to float32. Index = 4-bit code; code 7 is exactly 0.
 */
export const NF4_CODEBOOK: Float32Array = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);

/**
 * The 15 decision thresholds of bitsandbytes' `dQuantizeNF4` as float32 bit patterns.
 *
 * bnb wrote the double midpoints (NF4[i] + NF4[i+1]) / 2 into its kernel as decimal float
 * literals (`0.5016634166240692f`, …); a C/CUDA compiler rounds each literal straight to the
 * nearest float32. Seven of the midpoints sit exactly halfway between two float32 values;
 * the shortest decimal of the double lands a hair to one side, and for t0, t8, t12 and t14
 * that side is not the one `Math.fround(midpoint)` (ties-to-even) picks. The bits below are
 * the compiler's: read back from a CUDA kernel built from the literals, and re-derived by an
 * exact rational rounding in the tests. Literals, in order: −0.8480964004993439,
 * −0.6106329262256622, −0.4599952697753906, −0.33967943489551544, −0.23460740596055984,
 * −0.13791173323988914, −0.045525018125772476, 0.03979014977812767, 0.1202552504837513,
 * 0.2035212516784668, 0.2920137718319893, 0.3893125355243683, 0.5016634166240692,
 * 0.6427869200706482, 0.8614784181118011.
 */
const NF4_THRESHOLD_BITS = Uint32Array.of(
  0xbf591cd9,
  0xbf1c5270,
  0xbeeb8480,
  0xbeadea76,
  0xbe703cec,
  0xbe0d38bc,
  0xbd3a7871,
  0x3d22faff,
  0x3df64863,
  0x3e5067e0,
  0x3e9582d4,
  0x3ec753f9,
  0x3f006d03,
  0x3f248daf,
  0x3f5c89d9,
);

/**
 * The thresholds as float32 numbers: code(x) = number of thresholds t with x > t. A value
 * exactly on a threshold takes the LOWER code; NaN (every `x > t` false) takes code 0.
 */
export const NF4_THRESHOLDS: Float32Array = new Float32Array(NF4_THRESHOLD_BITS.buffer);

/** An NF4-quantized tensor (bitsandbytes `quantize_4bit(…, quant_type='nf4')` layout). */
export interface Nf4Tensor {
  /** ceil(length / 2) bytes: element 2i in the high nibble, 2i+1 in the low nibble. */
  packed: Uint8Array;
  /** One float32 absmax per block of `blockSize` consecutive values (0 for an all-zero block). */
  absmax: Float32Array;
  blockSize: number;
  /** Number of values (the flattened tensor's size). */
  length: number;
}

/**
 * The 4-bit code of one value already scaled into [-1, 1]: `dQuantizeNF4` as a binary search
 * over `NF4_THRESHOLDS` (the same four strict `>` tests as bnb's unrolled tree).
 */
export function nf4Code(x: number): number {
  let lo = 0;
  let hi = NF4_THRESHOLDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x > (NF4_THRESHOLDS[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantizes `data` to NF4 in blocks of `blockSize` (default 64), as bitsandbytes'
 * `quantize_4bit(data, blocksize, quant_type='nf4')` does on CUDA.
 *
 * An all-zero block keeps absmax 0 and gets code 0 everywhere: bnb computes 0 · (1/0) = NaN
 * and its tree sends NaN to code 0; here that outcome is written directly, so no NaN or
 * Infinity is ever formed, and dequantization gives −1 · 0 = −0 as bnb does.
 * @throws EngineError INVALID_ARGUMENT for NaN or ±Infinity in `data`, or a bad block size.
 */
export function quantizeNf4(data: Float32Array, blockSize: number = NF4_FORMAT.defaultBlockSize): Nf4Tensor {
  const layout = nf4Layout(data.length, blockSize);
  const packed = new Uint8Array(layout.packedBytes);
  const absmax = new Float32Array(layout.blocks);
  const n = data.length;
  for (let b = 0; b < layout.blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(start + blockSize, n);
    const amax = blockAbsmax(data, start, end);
    absmax[b] = amax;
    if (amax === 0) continue; // codes stay 0 (see above); packed is zero-filled
    const r = Math.fround(1 / amax);
    // blockSize is even, so a block starts on a byte boundary and owns its bytes.
    for (let i = start; i < end; i += 2) {
      const hi = nf4Code(Math.fround((data[i] as number) * r));
      // Odd n: bnb's kernel loads the missing value as 0, so the pad nibble is code(0) = 7.
      const lo = i + 1 < end ? nf4Code(Math.fround((data[i + 1] as number) * r)) : nf4Code(0);
      packed[i >>> 1] = (hi << 4) | lo;
    }
  }
  return { packed, absmax, blockSize, length: n };
}

/**
 * Dequantizes an NF4 tensor: value i = NF4[code i] · absmax[block of i], in float32
 * (bitsandbytes `dequantize_4bit`, and what `MatMulBnb4` computes before its GEMM).
 */
export function dequantizeNf4(t: Nf4Tensor): Float32Array {
  return dequantizeNf4Into(t, new Float32Array(t.length));
}

/** byte → [codebook[byte >> 4], codebook[byte & 15]]: both values of a packed byte, high nibble first. */
const NF4_PAIRS = (() => {
  const pairs = new Float32Array(512);
  for (let b = 0; b < 256; b++) {
    pairs[2 * b] = NF4_CODEBOOK[b >> 4] as number;
    pairs[2 * b + 1] = NF4_CODEBOOK[b & 15] as number;
  }
  return pairs;
})();

/**
 * `dequantizeNf4` into a caller's buffer (reused across calls by training, ~5 ms for a 135M
 * layer). Each value is codebook × absmax rounded once to float32, as bitsandbytes and
 * MatMulBnb4 compute it.
 */
export function dequantizeNf4Into(t: Nf4Tensor, out: Float32Array): Float32Array {
  const layout = nf4Layout(t.length, t.blockSize);
  assertNf4Arrays(layout, t.packed, t.absmax.length);
  if (out.length !== t.length) throw new EngineError('INVALID_ARGUMENT', `dequantizeNf4Into: the output holds ${out.length} values, not ${t.length}`);
  const { packed, absmax } = t;
  const half = t.blockSize >> 1;
  let o = 0;
  for (let block = 0; block < absmax.length; block++) {
    const scale = absmax[block] as number;
    const end = Math.min((block + 1) * half, packed.length);
    for (let j = block * half; j < end; j++) {
      const b = (packed[j] as number) << 1;
      out[o++] = (NF4_PAIRS[b] as number) * scale;
      if (o < out.length) out[o++] = (NF4_PAIRS[b + 1] as number) * scale;
    }
  }
  return out;
}

/** The 4-bit code of element `i` of a packed NF4 tensor. */
export function nf4CodeAt(packed: Uint8Array, i: number): number {
  const byte = packed[i >>> 1];
  if (byte === undefined) throw new EngineError('INVALID_ARGUMENT', `NF4 element ${i} is outside ${packed.length} packed bytes`);
  return (i & 1) === 0 ? byte >>> 4 : byte & 0x0f;
}

/** The smallest normal float32. */
const FLT_MIN = 2 ** -126;

/**
 * max |x| over data[start, end); throws on NaN or ±Infinity, which would poison the block.
 * Subnormal values count as 0, as in bnb's flush-to-zero (fast-math) CUDA build: a block of
 * only subnormals is a zero block, and 1/absmax can never overflow to Infinity.
 */
function blockAbsmax(data: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(data[i] as number);
    if (!(a <= m)) {
      if (!(a < Infinity)) throw new EngineError('INVALID_ARGUMENT', `Cannot quantize a non-finite value (${data[i]}) at index ${i}`);
      if (a >= FLT_MIN) m = a;
    }
  }
  return m;
}
