import { describe, expect, it } from 'vitest';
import {
  dequantizeNBits,
  emitLinear,
  NBITS_BLOCK_SIZE,
  NBITS_ERROR_BUDGET,
  quantizeNBits,
  stackLinears,
  type LinearWeights,
  type TensorSink,
} from '../src/model/linear.js';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { quantizeNf4, dequantizeNf4 } from '../src/quant/index.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { linearForward } from '../src/reference/decoder-ops.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { runModel, type Feeds } from './helpers.js';

describe('MatMulNBits weight format', () => {
  it.each([8, 4] as const)('int%i round trip is within half a step of each block, with a short last block', (bits) => {
    const [N, K] = [3, 80]; // blocks of 32: 32, 32, 16
    const w = randomUniform(N * K, seededRng(bits));
    w[5] = 0; // exact zero stays zero
    const q = quantizeNBits(w, N, K, bits, 32);
    expect(q.data.length).toBe(N * 3 * ((32 * bits) / 8));
    const back = dequantizeNBits({ format: bits === 8 ? 'int8' : 'int4', N, K, blockSize: 32, ...q });
    for (let i = 0; i < w.length; i++) {
      const [n, k] = [Math.floor(i / K), i % K];
      const scale = q.scales[n * 3 + Math.floor(k / 32)]!;
      const absmax = scale * (2 ** (bits - 1) - 1);
      expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(absmax * NBITS_ERROR_BUDGET[`int${bits}`].relativeToAbsmax + 1e-7);
    }
    expect(back[5]).toBe(0);
  });

  it('an all-zero block has scale 0 and decodes to zeros', () => {
    const q = quantizeNBits(new Float32Array(32), 1, 32, 8, 32);
    expect(q.scales[0]).toBe(0);
    expect(Array.from(dequantizeNBits({ format: 'int8', N: 1, K: 32, blockSize: 32, ...q }))).toEqual(new Array(32).fill(0));
  });
});

describe('linear kernels in ONNX Runtime', () => {
  const [T, K, N] = [5, 64, 48];
  const rng = seededRng(21);
  const x = randomUniform(T * K, rng);
  const w = randomUniform(N * K, rng, -0.2, 0.2);
  const bias = randomUniform(N, rng);

  async function run(linear: LinearWeights): Promise<Float32Array> {
    const g = new GraphBuilder('linear');
    const feeds: Feeds = { x: { data: x, dims: [T, K] } };
    const sink: TensorSink = {
      add: (name, t, as) => {
        if (as === 'initializer') return g.initializer(name, t);
        feeds[name] = { data: t.data as Float32Array, dims: [...t.dims] };
        return g.input(name, t.type, t.dims);
      },
    };
    const y = emitLinear(g, sink, g.input('x', 'float32', [T, K]), 'l', linear);
    g.output(y, 'float32', [T, N]);
    return (await runModel(g.toModelBytes(), feeds))[y]!.data as Float32Array;
  }

  it('fp32 (Gemm transB) equals linearForward', async () => {
    expect(maxRelativeError(await run({ format: 'fp32', N, K, weight: w, bias }), linearForward(x, w, bias, K, N)).maxError).toBeLessThan(1e-5);
  });

  it('nf4 (MatMulBnb4) equals linearForward on the dequantized weight', async () => {
    const nf4 = quantizeNf4(w);
    expect(maxRelativeError(await run({ format: 'nf4', N, K, nf4, bias }), linearForward(x, dequantizeNf4(nf4), bias, K, N)).maxError).toBeLessThan(1e-5);
  });

  it('int8 (MatMulNBits, int8 activations) is within 1% of linearForward on the dequantized weight', async () => {
    const linear: LinearWeights = { format: 'int8', N, K, blockSize: NBITS_BLOCK_SIZE, bias, ...quantizeNBits(w, N, K, 8) };
    const want = linearForward(x, dequantizeNBits(linear), bias, K, N);
    const err = maxRelativeError(await run(linear), want).maxError;
    expect(err).toBeLessThan(1e-2);
    expect(err).toBeGreaterThan(0); // accuracy_level 4 does quantize the activations
  });

  it('stackLinears concatenates rows in every format, and refuses NF4 parts that split a block', () => {
    const a = randomUniform(2 * 64, rng);
    const b = randomUniform(3 * 64, rng);
    const stacked = stackLinears([
      { format: 'fp32', N: 2, K: 64, weight: a },
      { format: 'fp32', N: 3, K: 64, weight: b, bias: Float32Array.of(1, 2, 3) },
    ]);
    expect(stacked).toMatchObject({ N: 5, K: 64 });
    expect(Array.from(stacked.bias!)).toEqual([0, 0, 1, 2, 3]);
    const nf4 = stackLinears([
      { format: 'nf4', N: 2, K: 64, nf4: quantizeNf4(a) },
      { format: 'nf4', N: 3, K: 64, nf4: quantizeNf4(b) },
    ]);
    expect(Array.from(dequantizeNf4((nf4 as Extract<LinearWeights, { format: 'nf4' }>).nf4))).toEqual([
      ...dequantizeNf4(quantizeNf4(a)),
      ...dequantizeNf4(quantizeNf4(b)),
    ]);
    const odd = randomUniform(32, rng);
    expect(() =>
      stackLinears([
        { format: 'nf4', N: 1, K: 32, nf4: quantizeNf4(odd) },
        { format: 'nf4', N: 1, K: 32, nf4: quantizeNf4(odd) },
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
