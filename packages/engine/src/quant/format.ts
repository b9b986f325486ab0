/**
 * The NF4 storage formats as data: block layout, sizes and the checks on them, in one place.
 *
 * Layout (bitsandbytes `quantize_4bit`, read as-is by ONNX Runtime's `MatMulBnb4`):
 * - a tensor is flattened row-major (a weight `[out, in]` becomes `out·in` values);
 * - blocks of `blockSize` consecutive values share one float32 scale, the block's absmax;
 *   the last block may be partial;
 * - codes are 4 bits, two per byte, element 2i in the HIGH nibble and 2i+1 in the low one,
 *   so `ceil(n / 2)` bytes; for odd n the last low nibble is padding.
 *
 * Double quantization (bitsandbytes `compress_statistics=True`) stores the absmax values
 * themselves as 8-bit codes of the signed dynamic map, in blocks of 256, after subtracting
 * their mean.
 */
import { EngineError } from '../errors.js';

/** The plain NF4 format: 4-bit codes + one float32 absmax per block. */
export const NF4_FORMAT = {
  name: 'nf4',
  bitsPerCode: 4,
  codesPerByte: 2,
  /** bitsandbytes' default `blocksize` for 4-bit weights (what QLoRA uses). */
  defaultBlockSize: 64,
  /** Block sizes bitsandbytes' CUDA `quantize_4bit` accepts. */
  blockSizes: [64, 128, 256, 512, 1024, 2048, 4096],
  /** Block sizes ONNX Runtime's CPU `MatMulBnb4` can read (others throw there). */
  matMulBnb4BlockSizes: [16, 32, 64, 128, 256],
  /** One float32 absmax per block. */
  scaleBytes: 4,
  /** `MatMulBnb4`'s `quant_type` attribute for NF4 (0 is FP4). */
  matMulBnb4QuantType: 1,
} as const;

/** Double quantization of the absmax values (bitsandbytes `compress_statistics=True`). */
export const NF4_DQ_FORMAT = {
  /** bitsandbytes quantizes the absmax with `quantize_blockwise(absmax, blocksize=256)`. */
  blockSize: 256,
  /** One uint8 code per absmax. */
  codeBytes: 1,
  /** One float32 scale (absmax of the centred absmax values) per block of 256. */
  scaleBytes: 4,
  /** The float32 mean subtracted before quantizing, once per tensor. */
  offsetBytes: 4,
  /** The signed dynamic map: 256 float32 values, shared by every tensor. */
  codeTableLength: 256,
} as const;

/** A block size NF4 accepts (bitsandbytes' list). */
export type Nf4BlockSize = (typeof NF4_FORMAT.blockSizes)[number];

/** Sizes of one NF4 tensor of `length` values. */
export interface Nf4Layout {
  length: number;
  blockSize: number;
  /** `ceil(length / blockSize)`: number of absmax values. */
  blocks: number;
  /** `ceil(length / 2)`: bytes of packed codes. */
  packedBytes: number;
}

/** Throws unless `blockSize` is one bitsandbytes accepts for 4-bit quantization. */
export function assertNf4BlockSize(blockSize: number): asserts blockSize is Nf4BlockSize {
  if (!(NF4_FORMAT.blockSizes as readonly number[]).includes(blockSize)) {
    throw new EngineError('INVALID_ARGUMENT', `NF4 block size ${blockSize} is not supported: use one of ${NF4_FORMAT.blockSizes.join(', ')}`);
  }
}

/** The layout of an NF4 tensor of `length` values (checks both numbers). */
export function nf4Layout(length: number, blockSize: number = NF4_FORMAT.defaultBlockSize): Nf4Layout {
  assertNf4BlockSize(blockSize);
  assertLength(length);
  return { length, blockSize, blocks: Math.ceil(length / blockSize), packedBytes: Math.ceil(length / 2) };
}

/** Number of blocks of 256 the absmax values of `absmaxCount` blocks are grouped into. */
export function dqBlocks(absmaxCount: number): number {
  assertLength(absmaxCount);
  return Math.ceil(absmaxCount / NF4_DQ_FORMAT.blockSize);
}

/** Throws unless the arrays of a stored NF4 tensor have the sizes its layout implies. */
export function assertNf4Arrays(layout: Nf4Layout, packed: Uint8Array, scales: number): void {
  if (packed.length !== layout.packedBytes) {
    throw new EngineError('INVALID_ARGUMENT', `NF4 tensor of ${layout.length} values needs ${layout.packedBytes} packed bytes, got ${packed.length}`);
  }
  if (scales !== layout.blocks) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `NF4 tensor of ${layout.length} values in blocks of ${layout.blockSize} needs ${layout.blocks} absmax values, got ${scales}`,
    );
  }
}

function assertLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new EngineError('INVALID_ARGUMENT', `A tensor length must be a non-negative integer, got ${length}`);
  }
}
