/** Shared helpers of the model tests: tiny random models and a reference-vs-ORT walk. */
import { expect } from 'vitest';
import type { ModelConfig } from '../src/io/config.js';
import { randomLlamaWeights, testModelConfig } from '../src/model/random-weights.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { referenceForward, type GetWeight, type ReferenceKV } from '../src/reference/llama.js';
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
  const weights = randomLlamaWeights(config, seed);
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
