/**
 * NF4 double quantization (bitsandbytes `quantize_4bit(…, compress_statistics=True)`):
 *
 *   offset   = mean(absmax)                               (float32)
 *   centred  = absmax − offset                            (float32, elementwise)
 *   codes, absmax2 = quantize_blockwise(centred, blocksize=256, code=dynamic map)
 *
 * and back: absmax ≈ map[code] · absmax2[block] + offset, each step in float32. This takes
 * the scale cost from 32/64 to 8/64 + 32/(64·256) bits per weight.
 */
import { EngineError } from '../errors.js';
import { DYNAMIC_MAP, dequantizeBlockwise8bit, quantizeBlockwise8bit, type DynamicMap } from './dynamic-map.js';
import { assertNf4Arrays, dqBlocks, nf4Layout, NF4_DQ_FORMAT, NF4_FORMAT } from './format.js';
import { dequantizeNf4, quantizeNf4, type Nf4Tensor } from './nf4.js';

/** NF4 absmax values stored as 8-bit codes (bitsandbytes' nested quant state). */
export interface QuantizedAbsmax {
  /** One code per NF4 block, indexing `code` (bnb `quant_state.absmax` when nested). */
  codes: Uint8Array;
  /** One float32 scale per block of 256 codes (bnb `state2.absmax`, `nested_absmax`). */
  absmax2: Float32Array;
  /** The float32 mean subtracted before quantizing (bnb `offset`, `nested_offset`). */
  offset: number;
  /** The 256-value signed dynamic map (bnb `state2.code`, `nested_quant_map`). */
  code: DynamicMap;
  /** Always 256 (bnb `nested_blocksize`). */
  blockSize: number;
}

/** An NF4 tensor whose absmax values are double-quantized. */
export interface Nf4DqTensor {
  packed: Uint8Array;
  absmax: QuantizedAbsmax;
  blockSize: number;
  length: number;
}

/**
 * Double-quantizes absmax values as bitsandbytes does. The mean is summed in float64 and
 * rounded once; torch's float32 reduction may differ from it in the last bit.
 */
export function quantizeAbsmax(absmax: Float32Array, code: DynamicMap = DYNAMIC_MAP): QuantizedAbsmax {
  const offset = float32Mean(absmax);
  const centred = new Float32Array(absmax.length);
  for (let i = 0; i < absmax.length; i++) centred[i] = (absmax[i] as number) - offset;
  const q = quantizeBlockwise8bit(centred, code, NF4_DQ_FORMAT.blockSize);
  return { codes: q.codes, absmax2: q.absmax, offset, code, blockSize: NF4_DQ_FORMAT.blockSize };
}

/** absmax[i] = code[codes[i]] · absmax2[i / 256] + offset, each operation rounded to float32. */
export function dequantizeAbsmax(q: QuantizedAbsmax): Float32Array {
  if (q.blockSize !== NF4_DQ_FORMAT.blockSize) {
    throw new EngineError('INVALID_ARGUMENT', `Double-quantized absmax uses blocks of ${NF4_DQ_FORMAT.blockSize}, got ${q.blockSize}`);
  }
  if (q.absmax2.length !== dqBlocks(q.codes.length)) {
    throw new EngineError('INVALID_ARGUMENT', `${q.codes.length} absmax codes need ${dqBlocks(q.codes.length)} block scales, got ${q.absmax2.length}`);
  }
  const out = dequantizeBlockwise8bit({ codes: q.codes, absmax: q.absmax2, blockSize: q.blockSize }, q.code);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + q.offset;
  return out;
}

/** Replaces an NF4 tensor's float32 absmax by its double-quantized form. */
export function doubleQuantizeNf4(t: Nf4Tensor, code: DynamicMap = DYNAMIC_MAP): Nf4DqTensor {
  assertNf4Arrays(nf4Layout(t.length, t.blockSize), t.packed, t.absmax.length);
  return { packed: t.packed, absmax: quantizeAbsmax(t.absmax, code), blockSize: t.blockSize, length: t.length };
}

/** `quantizeNf4` then `doubleQuantizeNf4`: bnb `quantize_4bit(…, 'nf4', compress_statistics=True)`. */
export function quantizeNf4Dq(data: Float32Array, blockSize: number = NF4_FORMAT.defaultBlockSize): Nf4DqTensor {
  return doubleQuantizeNf4(quantizeNf4(data, blockSize));
}

/** The plain NF4 tensor a double-quantized one stands for (absmax dequantized). */
export function undoubleNf4(t: Nf4DqTensor): Nf4Tensor {
  const absmax = dequantizeAbsmax(t.absmax);
  assertNf4Arrays(nf4Layout(t.length, t.blockSize), t.packed, absmax.length);
  return { packed: t.packed, absmax, blockSize: t.blockSize, length: t.length };
}

/** Dequantizes a double-quantized NF4 tensor (bnb `dequantize_4bit` with a nested state). */
export function dequantizeNf4Dq(t: Nf4DqTensor): Float32Array {
  return dequantizeNf4(undoubleNf4(t));
}

/** Mean of float32 values, rounded to float32 (0 for no values, where torch gives NaN). */
function float32Mean(values: Float32Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return Math.fround(sum / values.length);
}
