import fs from 'node:fs';
import { EngineError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from './float16.js';

/**
 * safetensors: an 8-byte little-endian header length N, N bytes of JSON describing each tensor
 * ({dtype, shape, data_offsets: [begin, end]} relative to the data section), then the data.
 */
const bytesPerElement: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** Float formats the engine reads and writes. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';
export const floatDtypes: readonly FloatDtype[] = ['F32', 'F16', 'BF16'];

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute position of the first byte in the file. */
  offset: number;
  byteLength: number;
}

const maxHeaderBytes = 100 * 1024 * 1024;

function invalid(file: string, why: string): EngineError {
  return new EngineError('SAFETENSORS_INVALID', `${file}: ${why}`);
}

/** Parse and check a header against the file size, without reading any tensor data. */
function readHeader(fd: number, file: string, fileSize: number): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  if (fileSize < 8) throw invalid(file, `the file is ${fileSize} bytes, too short for a safetensors header.`);
  const lengthBytes = Buffer.alloc(8);
  fs.readSync(fd, lengthBytes, 0, 8, 0);
  const headerLength = Number(lengthBytes.readBigUInt64LE(0));
  if (headerLength > maxHeaderBytes) throw invalid(file, `the header claims ${headerLength} bytes; this is not a safetensors file.`);
  if (8 + headerLength > fileSize) {
    throw new EngineError('SAFETENSORS_TRUNCATED', `${file}: the header claims ${headerLength} bytes but the file has only ${fileSize - 8} after the length.`);
  }
  const headerBytes = Buffer.alloc(headerLength);
  fs.readSync(fd, headerBytes, 0, headerLength, 8);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw invalid(file, `the header is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalid(file, 'the header is not a JSON object.');
  const dataStart = 8 + headerLength;
  const dataSize = fileSize - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const { dtype, shape, data_offsets: offsets } = entry ?? {};
    if (typeof dtype !== 'string' || !(dtype in bytesPerElement)) {
      throw invalid(file, `tensor "${name}" has an unknown dtype ${JSON.stringify(dtype)}.`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw invalid(file, `tensor "${name}" has an invalid shape ${JSON.stringify(shape)}.`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw invalid(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * bytesPerElement[dtype]!;
    if (end - begin !== expected) {
      throw invalid(file, `tensor "${name}" (${dtype} ${JSON.stringify(shape)}) should take ${expected} bytes but its offsets span ${end - begin}.`);
    }
    if (end > dataSize) {
      throw new EngineError(
        'SAFETENSORS_TRUNCATED',
        `${file}: tensor "${name}" ends at byte ${end} of the data, but the file holds only ${dataSize} bytes of data.`,
      );
    }
    tensors.set(name, { name, dtype, shape: shape as number[], offset: dataStart + begin, byteLength: end - begin });
  }
  return { tensors, metadata };
}

/** Convert raw little-endian tensor bytes to float32. */
export function toFloat32(dtype: string, bytes: Uint8Array, name = 'tensor'): Float32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  switch (dtype) {
    case 'F32':
      return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
    case 'F16':
    case 'BF16': {
      const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
      const out = new Float32Array(halves.length);
      const convert = dtype === 'F16' ? f16ToFloat32 : bf16ToFloat32;
      for (let i = 0; i < halves.length; i++) out[i] = convert(halves[i]!);
      return out;
    }
    default:
      throw new EngineError('UNSUPPORTED_DTYPE', `Tensor "${name}" is stored as ${dtype}; only F32, F16 and BF16 weights can be loaded.`);
  }
}

/**
 * One safetensors file, opened for reading tensor by tensor: only the header is read up front,
 * and each tensor's bytes are read when asked for, so the file is never held in memory whole.
 */
export class SafetensorsFile {
  readonly tensors: Map<string, TensorInfo>;
  readonly metadata: Record<string, string>;
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    header: { tensors: Map<string, TensorInfo>; metadata: Record<string, string> },
  ) {
    this.fd = fd;
    this.tensors = header.tensors;
    this.metadata = header.metadata;
  }

  static open(path: string): SafetensorsFile {
    if (!fs.existsSync(path)) throw new EngineError('MODEL_FILE_MISSING', `${path} does not exist.`);
    const fd = fs.openSync(path, 'r');
    try {
      return new SafetensorsFile(path, fd, readHeader(fd, path, fs.fstatSync(fd).size));
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new EngineError('TENSOR_MISSING', `${this.path} has no tensor "${name}".`);
    return info;
  }

  readBytes(name: string): Uint8Array {
    if (this.fd === null) throw new Error(`${this.path} is closed.`);
    const info = this.info(name);
    const bytes = new Uint8Array(info.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(this.fd, bytes, done, bytes.length - done, info.offset + done);
      if (n === 0) throw new EngineError('SAFETENSORS_TRUNCATED', `${this.path}: the file ended inside tensor "${name}".`);
      done += n;
    }
    return bytes;
  }

  readFloat32(name: string): Float32Array {
    return toFloat32(this.info(name).dtype, this.readBytes(name), name);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array;
  /** Stored format; defaults to F32. */
  dtype?: FloatDtype;
}

function encodeTensor(tensor: TensorToWrite): Uint8Array {
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (count !== tensor.data.length) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `Tensor "${tensor.name}" has ${tensor.data.length} values but shape ${JSON.stringify(tensor.shape)} needs ${count}.`,
    );
  }
  const dtype = tensor.dtype ?? 'F32';
  if (dtype === 'F32') return new Uint8Array(tensor.data.buffer.slice(tensor.data.byteOffset, tensor.data.byteOffset + tensor.data.byteLength));
  const halves = new Uint16Array(count);
  const convert = dtype === 'F16' ? float32ToF16 : float32ToBf16;
  for (let i = 0; i < count; i++) halves[i] = convert(tensor.data[i]!);
  return new Uint8Array(halves.buffer);
}

/** Serialize tensors (sorted by name, as the reference implementation does) to safetensors bytes. */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const blobs = sorted.map(encodeTensor);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  sorted.forEach((tensor, i) => {
    const end = offset + blobs[i]!.byteLength;
    header[tensor.name] = { dtype: tensor.dtype ?? 'F32', shape: tensor.shape, data_offsets: [offset, end] };
    offset = end;
  });
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // align the data section to 8 bytes
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const blob of blobs) {
    out.set(blob, position);
    position += blob.byteLength;
  }
  return out;
}

/** Write a safetensors file atomically. */
export function writeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
