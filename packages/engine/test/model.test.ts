import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelConfig } from '../src/io/model-folder.js';
import { ModelWeights } from '../src/io/weights.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import type { ModelConfig } from '../src/io/config.js';
import { attentionKindFor } from '../src/model/attention.js';
import { loadCausalLM } from '../src/model/causal-lm.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { referenceForward } from '../src/reference/decoder.js';
import { mappedWeights, tinyModel, walkError } from './model-fixtures.js';
import { dequantizeNf4, quantizeNf4 } from '../src/quant/index.js';

/** fp32 graphs against the float64-accumulating reference. */
const TOLERANCE = 1e-4;

const SHAPES: [string, Partial<ModelConfig>][] = [
  ['llama, GQA 4:2, untied, fused attention', {}],
  ['llama, MHA, tied embeddings', { numKvHeads: 4, tieWordEmbeddings: true }],
  ['qwen2, q/k/v biases, GQA 4:1, tied', { architecture: 'qwen2', qkvBias: true, numKvHeads: 1, tieWordEmbeddings: true }],
  ['llama, head_dim 8 (composed attention), GQA 8:4', { numHeads: 8, numKvHeads: 4 }],
  [
    'llama, attention/mlp biases, llama3 rope scaling, head_dim 8',
    {
      numHeads: 8,
      numKvHeads: 2,
      qkvBias: true,
      oBias: true,
      mlpBias: true,
      rope: { theta: 500000, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 } },
    },
  ],
];

describe('OrtCausalLM (quant none) against the reference', () => {
  it.each(SHAPES)('%s: prompt, decode steps and a chunk through the cache', async (_, overrides) => {
    const { config, get } = tinyModel(overrides, 3);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      expect(model.attention).toBe(attentionKindFor(config));
      expect(await walkError(model, config, get)).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it('returns the last position by default, and the same numbers after resetCache', async () => {
    const { config, get } = tinyModel({}, 4);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      const ids = [3, 14, 15, 92];
      const last = await model.forward(ids);
      expect(last.length).toBe(config.vocabSize);
      const want = referenceForward(config, get, ids).logits.subarray(3 * config.vocabSize);
      expect(maxRelativeError(last, want, 1).maxError).toBeLessThan(TOLERANCE);
      model.resetCache();
      expect(model.cacheLength).toBe(0);
      expect(Array.from(await model.forward(ids))).toEqual(Array.from(last));
    } finally {
      await model.dispose();
    }
  });

  it('rejects bad ids and empty input without touching the cache', async () => {
    const { config, get } = tinyModel({}, 5);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      await model.forward([1, 2]);
      await expect(model.forward([config.vocabSize])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(model.forward([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(model.forward([1.5])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(model.cacheLength).toBe(2);
      // One forward at a time; past max_position_embeddings is refused.
      const running = model.forward([3]);
      await expect(model.forward([4])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await running;
      expect(model.cacheLength).toBe(3);
      await expect(model.forward(new Array(config.maxPositionEmbeddings).fill(1))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      await model.dispose();
    }
  });
});

describe('loadCausalLM from a Hugging Face folder', () => {
  it.each(['qwen2', 'llama', 'mistral', 'qwen3', 'gemma', 'gemma2', 'gemma3_text'])(
    '%s folder written by makeTinyModel (bf16, sharded) runs like the reference on the same weights',
    async (arch) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `causal-lm-${arch}-`));
      try {
        makeTinyModel({ arch, outDir: dir, hiddenSize: 64, layers: 2, heads: 4, kvHeads: 2, intermediateSize: 96, seed: 3, dtype: 'BF16', shards: 2 });
        const config = readModelConfig(dir);
        const weights = ModelWeights.open(dir);
        const model = await loadCausalLM(dir, { quant: 'none', threads: 1 });
        try {
          expect(await walkError(model, config, (name) => weights.readFloat32(name))).toBeLessThan(TOLERANCE);
        } finally {
          weights.close();
          await model.dispose();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('OrtCausalLM (quant nf4)', () => {
  const nf4RoundTrip = (name: string, w: Float32Array): Float32Array =>
    /\.(q|k|v|o|gate|up|down)_proj\.weight$/.test(name) ? dequantizeNf4(quantizeNf4(w)) : w;

  it.each([SHAPES[0]!, SHAPES[2]!, SHAPES[3]!])('exact kernels (MatMulBnb4) equal the reference on NF4-dequantized weights: %s', async (_, overrides) => {
    const { config, get } = tinyModel(overrides, 6);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'nf4', kernels: 'exact', threads: 1 });
    try {
      expect(await walkError(model, config, mappedWeights(get, nf4RoundTrip))).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it("fast kernels (int8 MatMulNBits built from the NF4 weights) add a small fraction of NF4's own error", async () => {
    const { config, get } = tinyModel({ hiddenSize: 128, intermediateSize: 256, numHeads: 8, numKvHeads: 2, vocabSize: 128 }, 7);
    const ids = [1, 5, 9, 33, 2, 60, 17, 100, 4];
    const fp32 = referenceForward(config, get, ids).logits;
    const nf4 = referenceForward(config, mappedWeights(get, nf4RoundTrip), ids).logits;
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'nf4', threads: 1 });
    try {
      const fast = await model.forward(ids, { allLogits: true });
      const nf4Error = rms(nf4, fp32);
      expect(nf4Error).toBeGreaterThan(0.05);
      expect(rms(fast, nf4)).toBeLessThan(0.2 * nf4Error); // measured ≈ 0.07×
    } finally {
      await model.dispose();
    }
  });
});

function rms(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}
