/**
 * Every family through the ONNX Runtime decoder graph, against the plain TypeScript reference:
 * Qwen3 (q/k norms), Gemma (embedding scale, norms with +1, GeGLU), Gemma 2 (soft-caps, sandwich norms, GeGLU, sliding layers, embedding scale,
 * norms with +1), Gemma 3 (q/k norms, a second RoPE base on sliding layers), Mistral (every layer
 * sliding). The walk runs past the window (4), in the prompt and in decode steps, with both
 * attention kinds (head_dim 16: GroupQueryAttention; 8: composed ops).
 */
import { describe, expect, it } from 'vitest';
import { attentionKindFor } from '../src/model/attention.js';
import { loadCausalLM } from '../src/model/causal-lm.js';
import type { LoraWeights } from '../src/model/lora.js';
import { LAYER_LINEARS, linearModule, linearShape } from '../src/model/weight-names.js';
import { dequantizeNf4, quantizeNf4 } from '../src/quant/index.js';
import { mergedLoraWeights } from '../src/reference/lora.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { mappedWeights, tinyFamilyModel, walkError } from './model-fixtures.js';

/** fp32 graphs against the float64-accumulating reference. */
const TOLERANCE = 1e-4;

const CASES: [string, Record<string, unknown>][] = [
  ['qwen3', {}],
  ['qwen3', { head_dim: 8 }],
  ['gemma', {}],
  ['gemma2', {}],
  ['gemma2', { head_dim: 8 }],
  ['gemma3_text', {}],
  ['gemma3_text', { head_dim: 8, num_key_value_heads: 1 }],
  ['mistral', { sliding_window: 3 }],
  ['qwen2', { use_sliding_window: true, sliding_window: 5, max_window_layers: 1 }],
];

describe('every family on ONNX Runtime against the reference', () => {
  it.each(CASES)('%s %j: prompt, decode steps and a chunk through the cache, past the window', async (modelType, fields) => {
    const { config, get } = tinyFamilyModel(modelType, fields, 7);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      expect(model.attention).toBe(config.headDim % 16 === 0 ? 'gqa' : 'composed');
      expect(model.attention).toBe(attentionKindFor(config));
      expect(await walkError(model, config, get)).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it('the features are on: a window, soft-caps, norms with +1 change the logits (the checks can fail)', async () => {
    const { config, get } = tinyFamilyModel('gemma2', {}, 7);
    const variants = [
      { ...config, slidingWindow: 1000 },
      { ...config, attnSoftcap: null },
      { ...config, finalSoftcap: null },
      { ...config, normOffset: 0 },
      { ...config, embeddingScale: 1 },
      { ...config, activation: 'silu' as const },
    ];
    for (const wrong of variants) {
      const model = await loadCausalLM({ config: wrong, getWeight: get }, { quant: 'none', threads: 1 });
      try {
        expect(await walkError(model, config, get)).toBeGreaterThan(1e-3);
      } finally {
        await model.dispose();
      }
    }
  });

  it.each(['qwen3', 'gemma2', 'gemma3_text'])('%s: NF4 (exact kernels) and an unmerged LoRA adapter on every linear equal the reference', async (modelType) => {
    const { config, get } = tinyFamilyModel(modelType, {}, 9);
    const rng = seededRng(10);
    const adapter: LoraWeights = { scaling: 2, modules: new Map() };
    for (const layer of [0, 1]) {
      for (const linear of LAYER_LINEARS) {
        const [N, K] = linearShape(config, linear);
        adapter.modules.set(linearModule(layer, linear), { A: randomUniform(2 * K, rng, -0.3, 0.3), B: randomUniform(N * 2, rng, -0.3, 0.3), r: 2 });
      }
    }
    const nf4 = mappedWeights(get, (name, w) => (/_proj\.weight$/.test(name) ? dequantizeNf4(quantizeNf4(w)) : w));
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'nf4', kernels: 'exact', threads: 1 });
    try {
      expect(await walkError(model, config, nf4)).toBeLessThan(TOLERANCE);
      model.loadAdapter('a', adapter);
      model.setActiveAdapter('a');
      model.resetCache();
      expect(await walkError(model, config, mergedLoraWeights(nf4, adapter))).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });
});
