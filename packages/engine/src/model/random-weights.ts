/**
 * Random Llama-family weights in memory, for tests and benchmarks where no checkpoint can be
 * downloaded. Scaled so activations stay of order one through every layer (uniform weights of
 * variance 1/in), so rotary, attention and softmax are exercised with non-trivial values.
 */
import type { ModelConfig } from '../io/config.js';
import { randomUniform, seededRng } from '../util/random.js';
import { globalWeightNames, LAYER_LINEARS, layerNormNames, linearHasBias, linearModule, linearShape } from './weight-names.js';

/** Names of every tensor a config needs (the lm_head only when untied). */
export function llamaWeightNames(config: ModelConfig): string[] {
  const names = globalWeightNames(config);
  const out = [names.embed, names.norm, ...(config.tieWordEmbeddings ? [] : [names.lmHead])];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const norms = layerNormNames(layer);
    out.push(norms.input, norms.postAttention);
    for (const linear of LAYER_LINEARS) {
      const name = linearModule(layer, linear);
      out.push(`${name}.weight`);
      if (linearHasBias(config, linear)) out.push(`${name}.bias`);
    }
  }
  return out;
}

/** FNV-1a of a string, to seed each tensor by its name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * One tensor of a random model, generated on demand (the same values for the same name and
 * seed), so a benchmark can "read" a large model one tensor at a time like a checkpoint.
 */
export function randomLlamaWeight(config: ModelConfig, name: string, seed = 1): Float32Array {
  const rng = seededRng(hashName(name) ^ seed);
  const { hiddenSize: C, vocabSize: V } = config;
  if (name === 'model.embed_tokens.weight') return randomUniform(V * C, rng, -1, 1);
  if (name === 'lm_head.weight') return randomUniform(V * C, rng, -Math.sqrt(3 / C), Math.sqrt(3 / C));
  if (name.endsWith('norm.weight')) return randomUniform(C, rng, 0.8, 1.2);
  const match = /^model\.layers\.\d+\.(?:self_attn|mlp)\.(\w+_proj)\.(weight|bias)$/.exec(name);
  const linear = LAYER_LINEARS.find((l) => l === match?.[1]);
  if (!linear) throw new Error(`randomLlamaWeight: no tensor named ${name}`);
  const [N, K] = linearShape(config, linear);
  return match?.[2] === 'bias' ? randomUniform(N, rng, -0.5, 0.5) : randomUniform(N * K, rng, -Math.sqrt(3 / K), Math.sqrt(3 / K));
}

/** Every tensor a config needs, by Hugging Face name, filled with seeded random values. */
export function randomLlamaWeights(config: ModelConfig, seed = 1): Map<string, Float32Array> {
  return new Map(llamaWeightNames(config).map((name) => [name, randomLlamaWeight(config, name, seed)]));
}

/** A `ModelConfig` for tests and benchmarks: llama defaults, overridden by `overrides`. */
export function testModelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
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
    ropeTheta: 10000,
    ropeScaling: { type: 'none' },
    qkvBias: false,
    oBias: false,
    mlpBias: false,
    tieWordEmbeddings: false,
    bosTokenId: 1,
    eosTokenIds: [2],
  };
  const config = { ...base, ...overrides };
  if (overrides.headDim === undefined) config.headDim = config.hiddenSize / config.numHeads;
  return config;
}
