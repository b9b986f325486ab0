/**
 * Named error budgets and the memory cost of the NF4 formats.
 *
 * The budgets follow from the decision rules: NF4 picks the nearest of 16 values (thresholds
 * are the midpoints), so a value scaled into [-1, 1] is off by at most half the gap it falls
 * in; the widest NF4 gap is between −1 and −0.6961928. The 8-bit dynamic map used for double
 * quantization is likewise nearest-value. A slack of 2^-20 (relative to the block's scale)
 * covers the float32 roundings along the way (reciprocal, product, threshold literals and
 * the dequantizing product: about 5 · 2^-24 in all), including the ±1 ulp of bitsandbytes'
 * fast-math reciprocal.
 */
import { DYNAMIC_MAP } from './dynamic-map.js';
import { dequantizeAbsmax, type Nf4DqTensor } from './double-quant.js';
import { dqBlocks, nf4Layout, NF4_DQ_FORMAT, NF4_FORMAT } from './format.js';
import { NF4_CODEBOOK, type Nf4Tensor } from './nf4.js';

/** Slack for float32 rounding, relative to the block's scale. */
const ROUNDING_SLACK = 2 ** -20;

/** Half the widest gap between neighbouring values of a sorted table, ends at ±1 included. */
function maxHalfGap(table: Float32Array): number {
  let widest = Math.max((table[0] as number) + 1, 1 - (table[table.length - 1] as number)) * 2;
  for (let i = 0; i + 1 < table.length; i++) widest = Math.max(widest, (table[i + 1] as number) - (table[i] as number));
  return widest / 2;
}

/** Half the widest NF4 gap: (−0.6961928 − (−1)) / 2 ≈ 0.1519036. */
export const NF4_MAX_HALF_GAP: number = maxHalfGap(NF4_CODEBOOK);

/** Half the widest gap of the signed dynamic map: 0.9/64 / 2 = 0.00703125 (top decade). */
export const DYNAMIC_MAP_MAX_HALF_GAP: number = maxHalfGap(DYNAMIC_MAP);

/** NF4: every |x − x̂| in a block is at most absmax · `relativeToAbsmax`. */
export const NF4_ERROR_BUDGET = {
  name: 'nf4',
  description: '|x − x̂| ≤ absmax · (half the widest NF4 gap + 2^-20) for every value of a block',
  relativeToAbsmax: NF4_MAX_HALF_GAP + ROUNDING_SLACK,
} as const;

/**
 * Double quantization of absmax: |a − â| ≤ absmax2 · `relativeToAbsmax2` + |â| · `relativeToValue`,
 * where absmax2 is the scale of the 256-block `a` belongs to (the last term is the rounding
 * of the centring and of adding the offset back).
 */
export const NF4_DQ_ABSMAX_ERROR_BUDGET = {
  name: 'nf4-dq-absmax',
  description: '|a − â| ≤ absmax2 · (half the widest dynamic-map gap + 2^-20) + |â| · 2^-23 for every absmax a',
  relativeToAbsmax2: DYNAMIC_MAP_MAX_HALF_GAP + ROUNDING_SLACK,
  relativeToValue: 2 ** -23,
} as const;

/** The NF4 budget for one block: the largest |x − x̂| allowed for its values. */
export function nf4ErrorBudget(absmax: number): number {
  return absmax * NF4_ERROR_BUDGET.relativeToAbsmax;
}

/** The double-quantization budget for one dequantized absmax `absmaxHat` in a block scaled by `absmax2`. */
export function dqAbsmaxErrorBudget(absmax2: number, absmaxHat: number): number {
  return absmax2 * NF4_DQ_ABSMAX_ERROR_BUDGET.relativeToAbsmax2 + Math.abs(absmaxHat) * NF4_DQ_ABSMAX_ERROR_BUDGET.relativeToValue;
}

/**
 * Per-block bounds on |x − x̂|, from the stored tensor alone. For double quantization the
 * codes were chosen with the true absmax a but are scaled by â, so the bound is
 * (â + e) · (NF4 budget) + e with e the absmax budget (|code| ≤ 1).
 */
export function nf4ErrorBounds(t: Nf4Tensor | Nf4DqTensor): Float32Array {
  const layout = nf4Layout(t.length, t.blockSize);
  const bounds = new Float32Array(layout.blocks);
  if (t.absmax instanceof Float32Array) {
    for (let b = 0; b < layout.blocks; b++) bounds[b] = nf4ErrorBudget(t.absmax[b] as number);
    return bounds;
  }
  const q = t.absmax;
  const absmaxHat = dequantizeAbsmax(q);
  for (let b = 0; b < layout.blocks; b++) {
    const hat = absmaxHat[b] as number;
    const e = dqAbsmaxErrorBudget(q.absmax2[Math.floor(b / q.blockSize)] as number, hat);
    bounds[b] = nf4ErrorBudget(Math.abs(hat) + e) + e;
  }
  return bounds;
}

/** What an NF4 tensor of `numParams` values costs in memory. */
export interface Nf4MemoryReport {
  numParams: number;
  blockSize: number;
  doubleQuant: boolean;
  /** Packed 4-bit codes: ceil(n / 2). */
  codeBytes: number;
  /** Scales: float32 absmax per block, or with double quantization a uint8 code per block,
   * a float32 per 256 blocks and the float32 offset. The 1 KiB dynamic map is shared by all
   * tensors and not counted. */
  scaleBytes: number;
  totalBytes: number;
  /** totalBytes · 8 / numParams (includes partial blocks and the offset). */
  bitsPerParam: number;
  /** The asymptotic figure: 4 + 32/B, or 4 + 8/B + 32/(B·256) with double quantization. */
  nominalBitsPerParam: number;
}

/** The memory an NF4 tensor of `numParams` values takes, with or without double quantization. */
export function nf4MemoryReport(numParams: number, options: { doubleQuant?: boolean; blockSize?: number } = {}): Nf4MemoryReport {
  const doubleQuant = options.doubleQuant ?? false;
  const layout = nf4Layout(numParams, options.blockSize ?? NF4_FORMAT.defaultBlockSize);
  const bs = layout.blockSize;
  const scaleBytes = doubleQuant
    ? layout.blocks * NF4_DQ_FORMAT.codeBytes + dqBlocks(layout.blocks) * NF4_DQ_FORMAT.scaleBytes + NF4_DQ_FORMAT.offsetBytes
    : layout.blocks * NF4_FORMAT.scaleBytes;
  const totalBytes = layout.packedBytes + scaleBytes;
  const nominalBitsPerParam = doubleQuant
    ? NF4_FORMAT.bitsPerCode + (8 * NF4_DQ_FORMAT.codeBytes) / bs + (8 * NF4_DQ_FORMAT.scaleBytes) / (bs * NF4_DQ_FORMAT.blockSize)
    : NF4_FORMAT.bitsPerCode + (8 * NF4_FORMAT.scaleBytes) / bs;
  return {
    numParams,
    blockSize: bs,
    doubleQuant,
    codeBytes: layout.packedBytes,
    scaleBytes,
    totalBytes,
    bitsPerParam: numParams === 0 ? 0 : (totalBytes * 8) / numParams,
    nominalBitsPerParam,
  };
}
