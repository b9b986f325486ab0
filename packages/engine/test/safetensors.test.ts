import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from '../src/io/float16.js';
import { encodeSafetensors, SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import { ModelWeights } from '../src/io/weights.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';

const dirs: string[] = [];
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-st-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof EngineError ? error.code : `not an EngineError: ${String(error)}`;
  }
  return 'no error';
}

/** A raw file from a hand-written header and data, to test what our writer would never produce. */
function rawFile(file: string, header: unknown, data: Uint8Array): void {
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  Buffer.from(data).copy(out, 8 + json.length);
  fs.writeFileSync(file, out);
}

describe('half precision', () => {
  it('converts exactly representable values both ways', () => {
    for (const v of [0, -0, 1, -2.5, 65504, 2 ** -14, 2 ** -24, 0.333251953125]) {
      expect(f16ToFloat32(float32ToF16(v))).toBe(v);
    }
    for (const v of [0, 1, -3.140625, 2 ** 100, -(2 ** -100)]) expect(bf16ToFloat32(float32ToBf16(v))).toBe(v);
  });

  it('rounds to nearest, ties to even, like PyTorch', () => {
    expect(float32ToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie → even (down)
    expect(float32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie → even (up)
    expect(float32ToF16(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToF16(1e6)).toBe(0x7c00);
    expect(Number.isNaN(f16ToFloat32(float32ToF16(NaN)))).toBe(true);
  });
});

describe('safetensors', () => {
  it('round-trips F32, F16 and BF16 tensors, sorted, with 8-byte aligned data', () => {
    const file = path.join(dir(), 'w.safetensors');
    const values = new Float32Array([1, -2, 0.5, 3.25, -0.125, 8]);
    writeSafetensors(
      file,
      [
        { name: 'b', shape: [2, 3], data: values, dtype: 'F16' },
        { name: 'a', shape: [6], data: values },
        { name: 'c', shape: [3, 2], data: values, dtype: 'BF16' },
      ],
      { format: 'pt' },
    );
    const st = SafetensorsFile.open(file);
    expect([...st.tensors.keys()]).toEqual(['a', 'b', 'c']);
    expect(st.metadata).toEqual({ format: 'pt' });
    expect(st.info('b')).toMatchObject({ dtype: 'F16', shape: [2, 3], byteLength: 12 });
    for (const name of ['a', 'b', 'c']) expect([...st.readFloat32(name)]).toEqual([...values]);
    const headerLength = Number(fs.readFileSync(file).readBigUInt64LE(0));
    expect((8 + headerLength) % 8).toBe(0);
    st.close();
  });

  it('names a corrupt header, a truncated file and an unknown dtype', () => {
    const d = dir();
    const notJson = path.join(d, 'a.safetensors');
    const bytes = Buffer.alloc(20);
    bytes.writeBigUInt64LE(4n, 0);
    bytes.write('{{{{', 8);
    fs.writeFileSync(notJson, bytes);
    expect(code(() => SafetensorsFile.open(notJson))).toBe('SAFETENSORS_INVALID');

    const whole = encodeSafetensors([{ name: 'x', shape: [4], data: new Float32Array(4) }]);
    const truncated = path.join(d, 'b.safetensors');
    fs.writeFileSync(truncated, whole.subarray(0, whole.length - 3));
    expect(code(() => SafetensorsFile.open(truncated))).toBe('SAFETENSORS_TRUNCATED');
    const headerOnly = path.join(d, 'c.safetensors');
    fs.writeFileSync(headerOnly, whole.subarray(0, 12));
    expect(code(() => SafetensorsFile.open(headerOnly))).toBe('SAFETENSORS_TRUNCATED');

    const unknown = path.join(d, 'd.safetensors');
    rawFile(unknown, { x: { dtype: 'F7', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1));
    expect(code(() => SafetensorsFile.open(unknown))).toBe('SAFETENSORS_INVALID');
    const ints = path.join(d, 'e.safetensors');
    rawFile(ints, { x: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8));
    const st = SafetensorsFile.open(ints);
    expect(code(() => st.readFloat32('x'))).toBe('UNSUPPORTED_DTYPE');
    expect(code(() => st.readFloat32('nope'))).toBe('TENSOR_MISSING');
    st.close();
    const wrongSize = path.join(d, 'f.safetensors');
    rawFile(wrongSize, { x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(code(() => SafetensorsFile.open(wrongSize))).toBe('SAFETENSORS_INVALID');
    expect(code(() => SafetensorsFile.open(path.join(d, 'missing.safetensors')))).toBe('MODEL_FILE_MISSING');
  });

  it('reads sharded weights through the index, and names a missing shard', () => {
    const d = dir();
    writeSafetensors(path.join(d, 'model-00001-of-00002.safetensors'), [{ name: 'a', shape: [2], data: new Float32Array([1, 2]) }]);
    writeSafetensors(path.join(d, 'model-00002-of-00002.safetensors'), [{ name: 'b', shape: [1], data: new Float32Array([3]), dtype: 'BF16' }]);
    const index = { metadata: {}, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
    fs.writeFileSync(path.join(d, 'model.safetensors.index.json'), JSON.stringify(index));
    const weights = ModelWeights.open(d);
    expect(weights.names().sort()).toEqual(['a', 'b']);
    expect([...weights.readFloat32('b')]).toEqual([3]);
    expect([...weights.readFloat32('a')]).toEqual([1, 2]);
    weights.close();
    fs.rmSync(path.join(d, 'model-00002-of-00002.safetensors'));
    expect(code(() => ModelWeights.open(d))).toBe('MODEL_FILE_MISSING');
    expect(code(() => ModelWeights.open(dir()))).toBe('MODEL_FILE_MISSING');
  });

  it.skipIf(!hasStories260K)(`reads the real stories260K weights${skipWithoutShared}`, () => {
    const weights = ModelWeights.open(stories260K);
    expect(weights.info('model.embed_tokens.weight').shape).toEqual([512, 64]);
    expect(weights.info('model.layers.0.self_attn.k_proj.weight').shape).toEqual([32, 64]);
    expect(weights.has('lm_head.weight')).toBe(false);
    const norm = weights.readFloat32('model.norm.weight');
    expect(norm.length).toBe(64);
    expect(norm.every(Number.isFinite)).toBe(true);
    weights.close();
  });
});
