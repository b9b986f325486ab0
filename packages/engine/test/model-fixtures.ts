/** Shared helpers of the model tests: tiny random models and a reference-vs-ORT walk. */
import { expect } from 'vitest';
import { parseModelConfig, type ModelConfig } from '../src/io/config.js';
import { familyOf } from '../src/model/families/index.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { referenceForward, type GetWeight, type ReferenceKV } from '../src/reference/decoder.js';
import type { CausalLM } from '../src/infer/causal-lm.js';

/** A tiny model in memory: config, weights and a reader. */
export interface TinyModel {
  config: ModelConfig;
  weights: Map<string, Float32Array>;
  get: GetWeight;
}

/**
 * A tiny random model. Sizes keep K a multiple of 32 (MatMulNBits blocks) and every weight a
 * whole number of NF4 blocks.
 */
export function tinyModel(overrides: Partial<ModelConfig> = {}, seed = 1): TinyModel {
  const config = testModelConfig({ hiddenSize: 64, intermediateSize: 96, numHeads: 4, numKvHeads: 2, vocabSize: 96, numLayers: 2, ...overrides });
  const weights = randomWeights(config, seed);
  return { config, weights, get: (name) => weights.get(name) ?? fail(name) };
}

/**
 * The config of a tiny `modelType` model (e.g. 'qwen3', 'gemma2', 'gemma3_text') read through
 * its family descriptor from the config.json transformers would write (`exampleConfig`), with
 * the tiny sizes of `tinyModel`; `fields` overrides config.json fields (snake_case).
 */
export function familyConfig(modelType: string, fields: Record<string, unknown> = {}): ModelConfig {
  const dims = { hiddenSize: 64, intermediateSize: 96, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, vocabSize: 96 };
  return parseModelConfig({
    ...familyOf(modelType)!.exampleConfig(modelType, dims),
    model_type: modelType,
    hidden_size: dims.hiddenSize,
    intermediate_size: dims.intermediateSize,
    num_hidden_layers: dims.numLayers,
    num_attention_heads: dims.numHeads,
    num_key_value_heads: dims.numKvHeads,
    head_dim: dims.headDim,
    vocab_size: dims.vocabSize,
    max_position_embeddings: 256,
    bos_token_id: 1,
    eos_token_id: 2,
    ...fields,
  });
}

/** A tiny random model of a family (see `familyConfig`). */
export function tinyFamilyModel(modelType: string, fields: Record<string, unknown> = {}, seed = 1): TinyModel {
  const config = familyConfig(modelType, fields);
  const weights = randomWeights(config, seed);
  return { config, weights, get: (name) => weights.get(name) ?? fail(name) };
}

function fail(name: string): never {
  throw new Error(`no tensor ${name}`);
}

/** A reader that maps every weight through `f` (e.g. NF4 round trip) and caches it. */
export function mappedWeights(get: GetWeight, f: (name: string, w: Float32Array) => Float32Array): GetWeight {
  const cache = new Map<string, Float32Array>();
  return (name) => {
    let w = cache.get(name);
    if (!w) cache.set(name, (w = f(name, get(name))));
    return w;
  };
}

/** Prompt, then single-token steps, then a two-token chunk: the whole path of the KV cache. */
export const WALK: number[][] = [[1, 5, 9, 33, 2, 60, 17], [4], [71], [8, 90], [3]];

/**
 * Feeds `WALK` to the model (all logits) and to the reference with its cache, and returns the
 * worst relative error (floor 1) over every step. Also checks the cache length.
 */
export async function walkError(model: CausalLM, config: ModelConfig, want: GetWeight, walk = WALK): Promise<number> {
  let kv: ReferenceKV | undefined;
  let worst = 0;
  for (const ids of walk) {
    const ref = referenceForward(config, want, ids, kv ? { pastKV: kv } : {});
    kv = ref.kv;
    const got = await model.forward(ids, { allLogits: true });
    expect(got.length).toBe(ids.length * config.vocabSize);
    worst = Math.max(worst, maxRelativeError(got, ref.logits, 1).maxError);
    expect(model.cacheLength).toBe(kv.length);
  }
  return worst;
}
