import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../src/onnx/wire.js';

function bytesOf(write: (w: ProtoWriter) => void): number[] {
  const w = new ProtoWriter();
  write(w);
  const out = w.finish();
  expect(out.length).toBe(w.length);
  return Array.from(out);
}

describe('protobuf wire encoding', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [2 ** 35 + 5, [0x85, 0x80, 0x80, 0x80, 0x80, 0x01]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-2n, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [2n ** 63n, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ])('encodes the varint %s', (value, expected) => {
    expect(bytesOf((w) => w.varint(value))).toEqual(expected);
  });

  it('rejects non-integers and values outside 64 bits', () => {
    expect(() => new ProtoWriter().varint(1.5)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(2n ** 64n)).toThrow(RangeError);
  });

  it('writes tags, strings and floats as the protobuf spec examples do', () => {
    // field 1 varint 150 -> 08 96 01; field 2 string "testing" -> 12 07 74 65 73 74 69 6e 67
    expect(bytesOf((w) => w.int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytesOf((w) => w.string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // field 2 float 1.0 -> tag 0x15, then 00 00 80 3f little-endian
    expect(bytesOf((w) => w.float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
  });

  it('writes packed repeated fields and skips empty ones', () => {
    // field 4 packed [3, 270, 86942] -> 22 06 03 8e 02 9e a7 05
    expect(bytesOf((w) => w.packedVarints(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytesOf((w) => w.packedFloats(7, [1, -2]))).toEqual([0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(bytesOf((w) => w.packedVarints(4, []))).toEqual([]);
  });

  it('nests messages with their length, keeping large payloads intact', () => {
    const payload = new Uint8Array(1000).map((_, i) => i % 251);
    const inner = new ProtoWriter();
    inner.int(1, 7);
    inner.bytes(9, payload);
    const outer = new ProtoWriter();
    outer.string(2, 'g');
    outer.message(7, inner);
    const out = outer.finish();
    // 12 01 67 | 3a <len 1005 = ed 07> | 08 07 | 4a <len 1000 = e8 07> | payload
    expect(Array.from(out.subarray(0, 12))).toEqual([0x12, 0x01, 0x67, 0x3a, 0xed, 0x07, 0x08, 0x07, 0x4a, 0xe8, 0x07, 0]);
    expect(out.length).toBe(3 + 3 + 1005);
    expect(out.subarray(11)).toEqual(payload);
  });
});
