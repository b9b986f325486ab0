/**
 * Protocol-buffers wire encoding, just the parts ONNX needs: varints, 32-bit floats and
 * length-delimited fields (strings, bytes, nested messages, packed repeated scalars).
 *
 * A writer keeps a list of byte chunks rather than one growing buffer, so a nested message or
 * a large `raw_data` payload is referenced, not copied, until `finish()` joins everything once.
 * That matters when initializers hold hundreds of megabytes of weights.
 */

/** Protobuf wire types (the low 3 bits of a field's tag). */
const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Byte arrays at least this long are kept as their own chunk instead of being copied. */
const CHUNK_BY_REFERENCE = 256;

const TWO_POW_32 = 2 ** 32;

/** Serializes one protobuf message. Write fields in any order; `finish()` returns the bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  /** Bytes written so far, including pending ones. */
  get length(): number {
    return this.size;
  }

  /** An unsigned or signed 64-bit integer as a varint (negatives take 10 bytes, two's complement). */
  varint(value: number | bigint): void {
    if (typeof value === 'bigint' || value < 0 || value > Number.MAX_SAFE_INTEGER) {
      this.bigVarint(BigInt(value));
      return;
    }
    if (!Number.isInteger(value)) throw new RangeError(`varint needs an integer, got ${value}`);
    // Split into two 32-bit halves: JS bit operators only work on 32 bits.
    let lo = value % TWO_POW_32;
    let hi = Math.floor(value / TWO_POW_32);
    while (hi > 0 || lo > 0x7f) {
      this.byte((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi = Math.floor(hi / 128);
    }
    this.byte(lo);
  }

  /** A field tag: field number and wire type. */
  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** An int64/int32/enum/bool field. */
  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** A `float` (fixed 32-bit, little-endian) field. */
  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const scratch = new DataView(new ArrayBuffer(4));
    scratch.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.byte(scratch.getUint8(i));
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): void {
    this.bytes(field, textEncoder.encode(value));
  }

  /** A `bytes` field. Large payloads are referenced, not copied: do not mutate them before `finish()`. */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(value.length);
    this.append(value);
  }

  /** A nested message field. */
  message(field: number, inner: ProtoWriter): void {
    this.tag(field, WIRE_LEN);
    this.varint(inner.length);
    inner.flush();
    for (const chunk of inner.chunks) this.append(chunk);
  }

  /** A packed repeated varint field (int64s, int32s). Writes nothing for an empty list. */
  packedVarints(field: number, values: readonly (number | bigint)[]): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.tag(field, WIRE_LEN);
    this.varint(inner.length);
    inner.flush();
    for (const chunk of inner.chunks) this.append(chunk);
  }

  /** A packed repeated `float` field. Writes nothing for an empty list. */
  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const packed = new Float32Array(values);
    this.bytes(field, littleEndianBytes(packed));
  }

  /** The whole message as one contiguous array. */
  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1 && this.chunks[0]) return this.chunks[0];
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private bigVarint(value: bigint): void {
    if (value < -(1n << 63n) || value >= 1n << 64n) throw new RangeError(`varint out of 64-bit range: ${value}`);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private byte(b: number): void {
    this.pending.push(b);
    this.size += 1;
  }

  private append(data: Uint8Array): void {
    if (data.length < CHUNK_BY_REFERENCE) {
      for (const b of data) this.pending.push(b);
    } else {
      this.flush();
      this.chunks.push(data);
    }
    this.size += data.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }
}

const textEncoder = new TextEncoder();

/** True when this machine stores numbers little-endian, as protobuf and ONNX `raw_data` require. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A typed array's bytes in little-endian order, as a view (no copy) on little-endian hosts.
 */
export function littleEndianBytes(data: ArrayBufferView): Uint8Array {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('Big-endian hosts are not supported by the ONNX writer.');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
