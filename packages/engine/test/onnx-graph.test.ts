import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr, makeTensor } from '../src/onnx/model.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { matmulForward } from '../src/reference/matmul.js';
import { createSession } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { runModel, runSession } from './helpers.js';

const TOLERANCE = 1e-4;

/** relu(x · w + bias) in plain TypeScript, the bias broadcast over the M rows. */
function linearReluReference(x: Float32Array, w: Float32Array, bias: Float32Array, M: number, K: number, N: number): Float32Array {
  return matmulForward(x, w, M, K, N).map((v, i) => Math.max(v + (bias[i % N] as number), 0));
}

/** y = relu(x · w + bias) with x: (B, K) where B is symbolic, w: (K, N), bias: (N). */
function linearReluModel(K: number, N: number): Uint8Array {
  const g = new GraphBuilder('linear_relu');
  const x = g.input('x', 'float32', ['batch', K]);
  const w = g.input('w', 'float32', [K, N]);
  const bias = g.input('bias', 'float32', [N]);
  const h = g.op('MatMul', [x, w]);
  g.valueInfo(h, 'float32', ['batch', N]);
  const y = g.op('Relu', [g.op('Add', [h, bias])], {}, { output: 'y' });
  g.output(y, 'float32', ['batch', N]);
  return g.toModelBytes();
}

describe('ONNX writer, checked by ONNX Runtime against the reference', () => {
  it('computes relu(x·w + bias) like the reference on odd shapes (7×13×5)', async () => {
    const [M, K, N] = [7, 13, 5];
    const rng = seededRng(1);
    const x = randomUniform(M * K, rng);
    const w = randomUniform(K * N, rng);
    const bias = randomUniform(N, rng);
    const out = await runModel(linearReluModel(K, N), {
      x: { data: x, dims: [M, K] },
      w: { data: w, dims: [K, N] },
      bias: { data: bias, dims: [N] },
    });
    const want = linearReluReference(x, w, bias, M, K, N);
    expect(out['y']?.dims).toEqual([M, N]);
    expect(want.some((v) => v === 0) && want.some((v) => v > 0)).toBe(true); // relu is exercised both ways
    expect(maxRelativeError(out['y']?.data as Float32Array, want).maxError).toBeLessThan(TOLERANCE);
  });

  it('runs one session at two batch sizes through a symbolic dim', async () => {
    const [K, N] = [13, 5];
    const rng = seededRng(2);
    const w = randomUniform(K * N, rng);
    const bias = randomUniform(N, rng);
    const session = await createSession(linearReluModel(K, N), { intraOpNumThreads: 1 });
    try {
      for (const M of [1, 9]) {
        const x = randomUniform(M * K, rng);
        const out = await runSession(session, { x: { data: x, dims: [M, K] }, w: { data: w, dims: [K, N] }, bias: { data: bias, dims: [N] } });
        expect(out['y']?.dims).toEqual([M, N]);
        const want = linearReluReference(x, w, bias, M, K, N);
        expect(maxRelativeError(out['y']?.data as Float32Array, want).maxError).toBeLessThan(TOLERANCE);
      }
    } finally {
      await session.release();
    }
    // ORT reports the dims as written: the symbolic name survives, fixed sizes stay numbers.
    expect(session.inputNames).toEqual(['x', 'w', 'bias']);
    expect(session.inputMetadata[0]).toMatchObject({ name: 'x', isTensor: true, type: 'float32', shape: ['batch', K] });
    expect(session.outputMetadata[0]).toMatchObject({ name: 'y', isTensor: true, type: 'float32', shape: ['batch', N] });
  });

  it('round-trips initializers of every supported element type bit for bit', async () => {
    const rng = seededRng(3);
    const tensors = {
      f32: makeTensor('float32', [3, 4], randomUniform(12, rng)),
      u8: makeTensor('uint8', [5], new Uint8Array([0, 1, 127, 128, 255])),
      i32: makeTensor('int32', [2, 2], new Int32Array([-2147483648, -1, 0, 2147483647])),
      i64: makeTensor('int64', [3], new BigInt64Array([-(2n ** 63n), -1n, 2n ** 62n + 7n])),
      // float16 bits of 1.0, -2.0, 65504 (max half) and 0.5
      f16: makeTensor('float16', [4], new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x3800])),
      scalar: makeTensor('float32', [], new Float32Array([42.5])),
    };
    const g = new GraphBuilder('constants');
    for (const [name, t] of Object.entries(tensors)) {
      g.initializer(`${name}_init`, t);
      g.output(g.op('Identity', [`${name}_init`], {}, { output: name }), t.type, t.dims);
    }
    // float16 is also read as numbers, to be sure ORT sees halves and not just opaque bits.
    g.output(g.op('Cast', ['f16_init'], { to: attr.int(1) }, { output: 'f16_as_f32' }), 'float32', [4]);
    const out = await runModel(g.toModelBytes(), {});
    for (const [name, t] of Object.entries(tensors)) {
      expect(out[name]?.dims, name).toEqual(t.dims);
      expect(Array.from(out[name]?.data as ArrayLike<number | bigint>), name).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
    }
    expect(Array.from(out['f16_as_f32']?.data as Float32Array)).toEqual([1, -2, 65504, 0.5]);
  });

  it('encodes INT, INTS, FLOAT, FLOATS, STRING and TENSOR attributes and com.microsoft ops', async () => {
    const g = new GraphBuilder('attributes');
    const x = g.input('x', 'float32', [2, 3]);
    // TENSOR and FLOATS through Constant
    const c = g.op('Constant', [], { value: attr.tensor(makeTensor('float32', [3], new Float32Array([1, 2, 3]))) });
    const f = g.op('Constant', [], { value_floats: attr.floats([0.5, -1.5]) });
    // INTS: Transpose perm; FLOAT: LeakyRelu alpha; STRING: Pad mode; INT: Concat axis
    const t = g.op('Transpose', [x], { perm: attr.ints([1, 0]) }, { output: 'transposed' });
    const leaky = g.op('LeakyRelu', [x], { alpha: attr.float(0.25) }, { output: 'leaky' });
    const pads = g.initializer('pads', makeTensor('int64', [4], new BigInt64Array([0n, 1n, 0n, 1n])));
    const padded = g.op('Pad', [x, pads], { mode: attr.string('edge') }, { output: 'padded' });
    const joined = g.op('Concat', [c, f], { axis: attr.int(0) }, { output: 'joined' });
    // com.microsoft FusedMatMul: alpha · x · xᵀ
    const fused = g.op('FusedMatMul', [x, x], { alpha: attr.float(2), transB: attr.int(1) }, { domain: 'com.microsoft', output: 'fused' });
    g.output(t, 'float32', [3, 2]);
    g.output(leaky, 'float32', [2, 3]);
    g.output(padded, 'float32', [2, 5]);
    g.output(joined, 'float32', [5]);
    g.output(fused, 'float32', [2, 2]);
    const xData = new Float32Array([1, -2, 3, -4, 5, -6]); // (2, 3)
    const out = await runModel(g.toModelBytes(), { x: { data: xData, dims: [2, 3] } });
    const values = (name: string) => Array.from(out[name]?.data as Float32Array);
    expect(values('transposed')).toEqual([1, -4, -2, 5, 3, -6]);
    expect(values('leaky')).toEqual([1, -0.5, 3, -1, 5, -1.5]);
    expect(values('padded')).toEqual([1, 1, -2, 3, 3, -4, -4, 5, -6, -6]);
    expect(values('joined')).toEqual([1, 2, 3, 0.5, -1.5]);
    // rows r0 = [1, -2, 3], r1 = [-4, 5, -6]: r0·r0 = 14, r0·r1 = -32, r1·r1 = 77; times 2
    expect(values('fused')).toEqual([28, -64, -64, 154]);
  });
});

describe('GraphBuilder', () => {
  it('rejects reads of undefined values, duplicate names and missing outputs', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    expect(() => g.op('Relu', ['nope'])).toThrow(/'nope'.*not an input/);
    expect(() => g.input('x', 'float32', [2])).toThrow(/defined twice/);
    expect(() => g.output('y', 'float32', [2])).toThrow(/never defined/);
    expect(() => g.toModelBytes()).toThrow(/no outputs/);
    const y = g.op('Relu', [x]);
    expect(() => g.op('Relu', [x], {}, { output: y })).toThrow(/defined twice/);
    expect(g.node('Split', [x], { num_outputs: attr.int(2) }, { outputs: 2 })).toHaveLength(2);
  });

  it('validates tensor data against type and dims', () => {
    expect(() => makeTensor('float32', [2, 2], new Float32Array(3))).toThrow(/needs 4 elements/);
    expect(() => makeTensor('int64', [1], new Float32Array(1) as unknown as BigInt64Array)).toThrow(/BigInt64Array/);
  });
});
