import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLoraConfig, readLoraAdapter, writeLoraAdapter } from '../src/io/peft.js';
import type { ModelConfig } from '../src/io/config.js';
import { loadCausalLM } from '../src/model/causal-lm.js';
import type { LoraWeights } from '../src/model/lora.js';
import { linearModule, linearShape, type LayerLinear } from '../src/model/weight-names.js';
import { dequantizeNf4, quantizeNf4 } from '../src/quant/index.js';
import { mergedLoraWeights } from '../src/reference/lora.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { mappedWeights, tinyModel, walkError } from './model-fixtures.js';

const TOLERANCE = 1e-4;
const LAYER_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

/** A random adapter on some modules of some layers, ranks 2–4, one module with its own scaling. */
function randomAdapter(config: ModelConfig, seed: number, targets: [number, LayerLinear, number][]): LoraWeights {
  const rng = seededRng(seed);
  const modules: LoraWeights['modules'] = new Map();
  targets.forEach(([layer, linear, r], i) => {
    const [N, K] = linearShape(config, linear);
    // B is non-zero (a trained adapter, not PEFT's zero init) so the delta shows.
    modules.set(linearModule(layer, linear), {
      A: randomUniform(r * K, rng, -0.3, 0.3),
      B: randomUniform(N * r, rng, -0.3, 0.3),
      r,
      ...(i === 0 ? { scaling: 0.5 } : {}),
    });
  });
  return { scaling: 2, modules };
}

const EVERYWHERE: [number, LayerLinear, number][] = [
  [0, 'q_proj', 4],
  [0, 'v_proj', 2],
  [1, 'k_proj', 3],
  [1, 'o_proj', 4],
  [0, 'gate_proj', 2],
  [1, 'up_proj', 4],
  [1, 'down_proj', 3],
];

describe('unmerged LoRA in OrtCausalLM', () => {
  it.each([
    ['fused attention (head_dim 16)', {}],
    ['composed attention (head_dim 8), qwen2 biases', { numHeads: 8, architecture: 'qwen2' as const, qkvBias: true }],
  ])('equals the reference with W + s·B·A merged by hand: %s', async (_, overrides) => {
    const { config, get } = tinyModel(overrides, 11);
    const adapter = randomAdapter(config, 12, EVERYWHERE);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      model.loadAdapter('a', adapter);
      model.setActiveAdapter('a');
      const merged = mergedLoraWeights(get, adapter);
      expect(await walkError(model, config, merged)).toBeLessThan(TOLERANCE);
      // The adapter really changes the output: the base reference is far off.
      model.resetCache();
      expect(await walkError(model, config, get)).toBeGreaterThan(1e-2);
      // No adapter: the base model again.
      model.setActiveAdapter(null);
      model.resetCache();
      expect(await walkError(model, config, get)).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it('switches between two loaded adapters', async () => {
    const { config, get } = tinyModel({}, 13);
    const first = randomAdapter(config, 14, [
      [0, 'q_proj', 2],
      [1, 'down_proj', 2],
    ]);
    const second = randomAdapter(config, 15, [[1, 'v_proj', 4]]);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      model.loadAdapter('first', first);
      model.loadAdapter('second', second);
      for (const [name, adapter] of [
        ['second', second],
        ['first', first],
        ['second', second],
      ] as const) {
        model.setActiveAdapter(name);
        model.resetCache();
        expect(await walkError(model, config, mergedLoraWeights(get, adapter))).toBeLessThan(TOLERANCE);
      }
      // Unloading the active adapter leaves the base model; an unloaded one can no longer be chosen.
      model.unloadAdapter('second');
      model.resetCache();
      expect(await walkError(model, config, get)).toBeLessThan(TOLERANCE);
      expect(() => model.setActiveAdapter('second')).toThrow(/No adapter named "second" is loaded \(loaded: first\)/);
    } finally {
      await model.dispose();
    }
  });

  it('applies LoRA on top of the NF4 base (QLoRA) with exact kernels', async () => {
    const { config, get } = tinyModel({}, 16);
    const adapter = randomAdapter(config, 17, EVERYWHERE);
    const nf4Base = mappedWeights(get, (name, w) => (/_proj\.weight$/.test(name) ? dequantizeNf4(quantizeNf4(w)) : w));
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'nf4', kernels: 'exact', threads: 1 });
    try {
      model.loadAdapter('a', adapter);
      model.setActiveAdapter('a');
      expect(await walkError(model, config, mergedLoraWeights(nf4Base, adapter))).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it('runs a PEFT adapter folder (written and read by io/peft.ts) like its merged weights', async () => {
    const { config, get } = tinyModel({}, 20);
    const adapter = randomAdapter(config, 21, EVERYWHERE);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lora-infer-'));
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      const weights = new Map(
        [...adapter.modules].map(([name, m]) => {
          const linear = name.split('.').pop() as LayerLinear;
          const [outFeatures, inFeatures] = linearShape(config, linear);
          return [name, { A: m.A, B: m.B, r: m.r, inFeatures, outFeatures, scaling: 1 }];
        }),
      );
      // r=4, alpha=8 → scaling 2 (PEFT's alpha / r) for every module; ranks differ per module via rank_pattern.
      const rankPattern = Object.fromEntries([...adapter.modules].map(([name, m]) => [name, m.r]));
      writeLoraAdapter(dir, { config: createLoraConfig({ r: 4, loraAlpha: 8, targetModules: [...LAYER_TARGETS], rankPattern }), weights, scaling: 2 });
      const read = readLoraAdapter(dir, { modelConfig: config });
      model.loadAdapter('peft', { scaling: read.scaling, modules: read.weights });
      model.setActiveAdapter('peft');
      const want = mergedLoraWeights(get, { scaling: read.scaling, modules: read.weights });
      expect(await walkError(model, config, want)).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects adapters that do not fit the model, and unknown names', async () => {
    const { config, get } = tinyModel({}, 18);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      const good = randomAdapter(config, 19, [[0, 'q_proj', 2]]);
      const [entry] = [...good.modules.values()];
      expect(() => model.loadAdapter('x', { scaling: 1, modules: new Map([['model.layers.9.self_attn.q_proj', entry!]]) })).toThrow(
        expect.objectContaining({ code: 'ADAPTER_INVALID' }),
      );
      expect(() => model.loadAdapter('x', { scaling: 1, modules: new Map([['lm_head', entry!]]) })).toThrow(
        expect.objectContaining({ code: 'ADAPTER_INVALID' }),
      );
      const wrongShape = { ...entry!, r: 3 };
      expect(() => model.loadAdapter('x', { scaling: 1, modules: new Map([[linearModule(0, 'q_proj'), wrongShape]]) })).toThrow(
        expect.objectContaining({ code: 'ADAPTER_INVALID' }),
      );
      expect(() => model.setActiveAdapter('missing')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    } finally {
      await model.dispose();
    }
  });
});
