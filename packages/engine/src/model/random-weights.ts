/**
 * Random weights in memory for any family, for tests and benchmarks where no checkpoint can be
 * downloaded. Scaled so activations stay of order one through every layer (uniform weights of
 * variance 1/in), so rotary, attention and softmax are exercised with non-trivial values.
 */
import { randomUniform, seededRng } from '../util/random.js';
import type { ModelConfig } from './architecture.js';
import { describeWeight, layerNormSize, linearShape, weightNames } from './weight-names.js';

/** FNV-1a of a string, to seed each tensor by its name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * One tensor of a random model, generated on demand (the same values for the same name and
 * seed), so a benchmark can "read" a large model one tensor at a time like a checkpoint. Norms
 * multiply by 0.8…1.2 whatever the family's `normOffset`.
 */
export function randomWeight(config: ModelConfig, name: string, seed = 1): Float32Array {
  const rng = seededRng(hashName(name) ^ seed);
  const { hiddenSize: C, vocabSize: V } = config;
  const what = describeWeight(config, name);
  if (!what) throw new Error(`randomWeight: no tensor named ${name}`);
  switch (what.kind) {
    case 'embed':
      return randomUniform(V * C, rng, -1, 1);
    case 'lmHead':
      return randomUniform(V * C, rng, -Math.sqrt(3 / C), Math.sqrt(3 / C));
    case 'norm': {
      const size = what.norm === 'final' ? C : layerNormSize(config, what.norm);
      return randomUniform(size, rng, 0.8 - config.normOffset, 1.2 - config.normOffset);
    }
    case 'linear': {
      const [N, K] = linearShape(config, what.linear);
      return what.part === 'bias' ? randomUniform(N, rng, -0.5, 0.5) : randomUniform(N * K, rng, -Math.sqrt(3 / K), Math.sqrt(3 / K));
    }
  }
}

/** Every tensor a config needs, by Hugging Face name, filled with seeded random values. */
export function randomWeights(config: ModelConfig, seed = 1): Map<string, Float32Array> {
  return new Map(weightNames(config).map((name) => [name, randomWeight(config, name, seed)]));
}

/**
 * A `ModelConfig` for tests and benchmarks: llama defaults, overridden by `overrides`. headDim,
 * attentionScale, layerTypes and localRope follow the overrides unless given.
 */
export function testModelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  const rope = overrides.rope ?? { theta: 10000, scaling: { type: 'none' } };
  const base: ModelConfig = {
    architecture: 'llama',
    hiddenSize: 32,
    intermediateSize: 48,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 8,
    vocabSize: 64,
    maxPositionEmbeddings: 256,
    rmsNormEps: 1e-5,
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    normOffset: 0,
    activation: 'silu',
    qkNorm: false,
    sandwichNorms: false,
    embeddingScale: 1,
    attentionScale: 0,
    attnSoftcap: null,
    finalSoftcap: null,
    layerTypes: [],
    slidingWindow: null,
    rope,
    localRope: rope,
    tieWordEmbeddings: false,
    bosTokenId: 1,
    eosTokenIds: [2],
  };
  const config = { ...base, ...overrides };
  if (overrides.headDim === undefined) config.headDim = config.hiddenSize / config.numHeads;
  if (overrides.attentionScale === undefined) config.attentionScale = 1 / Math.sqrt(config.headDim);
  if (overrides.layerTypes === undefined) config.layerTypes = Array.from({ length: config.numLayers }, () => 'full');
  return config;
}
