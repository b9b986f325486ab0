/**
 * Reads a Hugging Face `config.json` into a `ModelConfig`: the sizes every family shares, then
 * the family's features from its descriptor (model/families/).
 */
import { EngineError } from '../errors.js';
import { ConfigFields, type ModelConfig, type ModelDims } from '../model/architecture.js';
import { familyOf, supportedArchitectures } from '../model/families/index.js';

export type { ModelConfig, RopeScaling } from '../model/architecture.js';
export { supportedArchitectures };

function tokenIds(value: unknown): number[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => Number.isInteger(v));
}

/** Check and normalise a parsed `config.json`. Throws an EngineError naming the first problem. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EngineError('MODEL_CONFIG_INVALID', 'config.json must hold a JSON object.');
  }
  const f: ConfigFields = new ConfigFields(raw as Record<string, unknown>);
  const modelType = f.raw.model_type;
  if (typeof modelType !== 'string') f.fail('model_type', 'is missing.');
  const family = familyOf(modelType);
  if (!family) {
    throw new EngineError(
      'UNSUPPORTED_ARCHITECTURE',
      `config.json says model_type "${modelType}"; QLoRA Studio supports ${supportedArchitectures.join(', ')}.`,
    );
  }
  const hiddenSize = f.int('hidden_size');
  const numHeads = f.int('num_attention_heads');
  const numKvHeads = f.int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) f.fail('num_key_value_heads', `(${numKvHeads}) must divide num_attention_heads (${numHeads}).`);
  const dims: ModelDims = {
    hiddenSize,
    intermediateSize: f.int('intermediate_size'),
    numLayers: f.int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim: f.int('head_dim', hiddenSize / numHeads),
    vocabSize: f.int('vocab_size'),
  };
  return {
    architecture: modelType,
    ...dims,
    maxPositionEmbeddings: f.int('max_position_embeddings', 2048),
    rmsNormEps: f.num('rms_norm_eps', 1e-6),
    ...family.features(f, dims),
    bosTokenId: Number.isInteger(f.raw.bos_token_id) ? (f.raw.bos_token_id as number) : null,
    eosTokenIds: tokenIds(f.raw.eos_token_id),
  };
}

/** Number of parameters the config implies (embeddings counted once when tied). */
export function parameterCount(config: ModelConfig): number {
  const { hiddenSize: h, intermediateSize: i, numHeads, numKvHeads, headDim: d, vocabSize: v } = config;
  const q = h * numHeads * d + (config.qkvBias ? numHeads * d : 0);
  const kv = 2 * (h * numKvHeads * d + (config.qkvBias ? numKvHeads * d : 0));
  const o = numHeads * d * h + (config.oBias ? h : 0);
  const mlp = 3 * h * i + (config.mlpBias ? 2 * i + h : 0);
  const norms = (config.sandwichNorms ? 4 : 2) * h + (config.qkNorm ? 2 * d : 0);
  const perLayer = q + kv + o + mlp + norms;
  return v * h * (config.tieWordEmbeddings ? 1 : 2) + config.numLayers * perLayer + h;
}
