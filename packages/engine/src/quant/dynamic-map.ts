/**
 * bitsandbytes' 8-bit blockwise quantization with its signed "dynamic" code table: what
 * double quantization applies to the NF4 absmax values.
 *
 * Quantize (CUDA `kQuantizeBlockwise<…, General8bit>` with `dQuantize<0>`), per block:
 *   absmax = max |x|,  r = 1.0f / absmax,  code = search(x · r)
 * where the search is a 7-step binary search over the table's odd entries followed by a
 * float32 midpoint test against the neighbours (see `dynamicCode`). Dequantize:
 * `table[code] · absmax` in float32.
 */
import { EngineError } from '../errors.js';

/** A signed dynamic map: 256 ascending float32 values in [-1, 1]. */
export type DynamicMap = Float32Array;

/**
 * The signed dynamic map bitsandbytes uses by default (`create_dynamic_map(signed=True)`,
 * `max_exponent_bits=7`, `total_bits=8`): for decade i = 0..6 the 2^i midpoints of
 * `linspace(0.1, 1, 2^i + 1)` scaled by 10^(i−6), with both signs, plus 0 and 1, sorted.
 * 127 negatives (from −0.99296875), 0 at index 127, 127 positives, 1 at index 255.
 */
export function createDynamicMap(): DynamicMap {
  const values: number[] = [];
  for (let i = 0; i < 7; i++) {
    const bounds = linspaceFloat32(0.1, 1, 2 ** i + 1);
    const scale = Math.fround(10 ** (i - 6));
    for (let k = 0; k + 1 < bounds.length; k++) {
      const mean = Math.fround(Math.fround((bounds[k] as number) + (bounds[k + 1] as number)) / 2);
      const v = Math.fround(scale * mean);
      values.push(v, -v);
    }
  }
  values.push(0, 1);
  values.sort((a, b) => a - b);
  return Float32Array.from(values);
}

/** The default signed dynamic map, built once. */
export const DYNAMIC_MAP: DynamicMap = createDynamicMap();

/**
 * torch.linspace(start, end, steps) in float32 as PyTorch computes it: step =
 * (end − start) / (steps − 1); the first half counts up from start, the second half down
 * from end, each value `start + step·i` rounded ONCE. The single rounding matters: PyTorch's
 * kernels are compiled with multiply-add contraction (FMA on x86-64 AVX2/AVX512 and on CUDA),
 * and rounding `step·i` separately changes 42 of the 256 map entries. Checked against
 * torch 2.11 on an AVX512 CPU and on CUDA, which both gave exactly this table.
 */
function linspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const s = Math.fround(start);
  const e = Math.fround(end);
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const out = new Float32Array(steps);
  // In float64, step·i (24 + 7 bits) and the sum (< 2^-30 resolution below 1) are exact,
  // so the one rounding into `out` is the fused multiply-add's.
  for (let i = 0; i < steps; i++) out[i] = i < half ? s + step * i : e - step * (steps - i - 1);
  return out;
}

/**
 * The 8-bit code of one value already scaled into [-1, 1] (bitsandbytes `dQuantize<0>`).
 *
 * The search compares x only with the 127 odd-indexed entries, so it ends on an even index
 * p = 2·#{odd j : x > map[j]}; the answer is then p−1, p or p+1, decided against the
 * float32 midpoints `(map[p] + map[p±1]) · 0.5`. A value exactly on a midpoint stays at
 * the even index p (that is how bnb breaks ties); NaN ends at 0.
 */
export function dynamicCode(map: DynamicMap, x: number): number {
  let below = 0; // odd entries < x, found by binary search over j = 2m + 1, m = 0..126
  let hi = 127;
  while (below < hi) {
    const m = (below + hi) >>> 1;
    if (x > (map[2 * m + 1] as number)) below = m + 1;
    else hi = m;
  }
  const p = 2 * below;
  const here = map[p] as number;
  if (x > here) {
    const mid = Math.fround(Math.fround((map[p + 1] as number) + here) * 0.5);
    return x > mid ? p + 1 : p;
  }
  if (p === 0) return 0;
  const mid = Math.fround(Math.fround((map[p - 1] as number) + here) * 0.5);
  return x < mid ? p - 1 : p;
}

/** Values quantized to 8 bits in blocks (bitsandbytes `quantize_blockwise`). */
export interface Blockwise8bit {
  /** One code per value, indexing the map. */
  codes: Uint8Array;
  /** One float32 absmax per block (0 for an all-zero block, whose codes are all 0). */
  absmax: Float32Array;
  blockSize: number;
}

/**
 * bitsandbytes `quantize_blockwise(values, code=map, blocksize)` on CUDA. An all-zero block
 * keeps absmax 0 and codes 0 (bnb reaches code 0 through 0 · (1/0) = NaN).
 * @throws EngineError INVALID_ARGUMENT for a non-finite value, a bad block size or map.
 */
export function quantizeBlockwise8bit(values: Float32Array, map: DynamicMap, blockSize: number): Blockwise8bit {
  assertMap(map);
  if (!Number.isSafeInteger(blockSize) || blockSize <= 0) throw new EngineError('INVALID_ARGUMENT', `Block size must be a positive integer, got ${blockSize}`);
  const blocks = Math.ceil(values.length / blockSize);
  const codes = new Uint8Array(values.length);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blockSize;
    const end = Math.min(start + blockSize, values.length);
    let amax = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(values[i] as number);
      if (!(a < Infinity)) throw new EngineError('INVALID_ARGUMENT', `Cannot quantize a non-finite value (${values[i]}) at index ${i}`);
      // Subnormals count as 0 (bnb's flush-to-zero CUDA build), so 1/amax stays finite.
      if (a > amax && a >= 2 ** -126) amax = a;
    }
    absmax[b] = amax;
    if (amax === 0) continue;
    const r = Math.fround(1 / amax);
    for (let i = start; i < end; i++) codes[i] = dynamicCode(map, Math.fround((values[i] as number) * r));
  }
  return { codes, absmax, blockSize };
}

/** bitsandbytes `dequantize_blockwise`: value i = map[code i] · absmax[block of i] in float32. */
export function dequantizeBlockwise8bit(q: Blockwise8bit, map: DynamicMap): Float32Array {
  assertMap(map);
  const blocks = Math.ceil(q.codes.length / q.blockSize);
  if (q.absmax.length !== blocks) {
    throw new EngineError('INVALID_ARGUMENT', `${q.codes.length} codes in blocks of ${q.blockSize} need ${blocks} absmax values, got ${q.absmax.length}`);
  }
  const out = new Float32Array(q.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = (map[q.codes[i] as number] as number) * (q.absmax[Math.floor(i / q.blockSize)] as number);
  return out;
}

function assertMap(map: DynamicMap): void {
  if (map.length !== 256) throw new EngineError('INVALID_ARGUMENT', `A dynamic map has 256 values, got ${map.length}`);
}
