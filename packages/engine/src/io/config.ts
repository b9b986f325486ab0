import { EngineError } from '../errors.js';

export const supportedArchitectures = ['llama', 'mistral', 'qwen2'] as const;
export type Architecture = (typeof supportedArchitectures)[number];

export type RopeScaling =
  | { type: 'none' }
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

/** What the engine needs of a Hugging Face `config.json`, checked and normalised. */
export interface ModelConfig {
  architecture: Architecture;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  /** Biases on q/k/v projections (qwen2 always; llama when `attention_bias`). */
  qkvBias: boolean;
  /** Bias on o_proj (llama `attention_bias` only). */
  oBias: boolean;
  mlpBias: boolean;
  tieWordEmbeddings: boolean;
  bosTokenId: number | null;
  eosTokenIds: number[];
}

function fail(field: string, why: string): never {
  throw new EngineError('MODEL_CONFIG_INVALID', `config.json: "${field}" ${why}`);
}

function int(raw: Record<string, unknown>, field: string, fallback?: number): number {
  const value = raw[field] ?? fallback;
  if (value === undefined) fail(field, 'is missing.');
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(field, `must be a positive whole number, not ${JSON.stringify(value)}.`);
  return value;
}

function num(raw: Record<string, unknown>, field: string, fallback: number): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, `must be a positive number, not ${JSON.stringify(value)}.`);
  return value;
}

function tokenIds(value: unknown): number[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => Number.isInteger(v));
}

/** `rope_scaling` (transformers ≤4) or `rope_parameters` (transformers 5). */
function parseRope(raw: Record<string, unknown>): { theta: number; scaling: RopeScaling } {
  const params = (raw.rope_parameters ?? raw.rope_scaling ?? null) as Record<string, unknown> | null;
  const theta = num(raw, 'rope_theta', typeof params?.rope_theta === 'number' ? params.rope_theta : 10000);
  if (!params) return { theta, scaling: { type: 'none' } };
  const type = params.rope_type ?? params.type ?? 'default';
  const factor = typeof params.factor === 'number' ? params.factor : 1;
  switch (type) {
    case 'default':
      return { theta, scaling: { type: 'none' } };
    case 'linear':
      return { theta, scaling: { type: 'linear', factor } };
    case 'llama3':
      return {
        theta,
        scaling: {
          type: 'llama3',
          factor,
          lowFreqFactor: Number(params.low_freq_factor ?? 1),
          highFreqFactor: Number(params.high_freq_factor ?? 4),
          originalMaxPositionEmbeddings: Number(params.original_max_position_embeddings ?? 8192),
        },
      };
    default:
      throw new EngineError('UNSUPPORTED_ARCHITECTURE', `config.json asks for rope scaling "${String(type)}"; supported: default, linear, llama3.`);
  }
}

/** Check and normalise a parsed `config.json`. Throws an EngineError naming the first problem. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EngineError('MODEL_CONFIG_INVALID', 'config.json must hold a JSON object.');
  }
  const c = raw as Record<string, unknown>;
  const modelType = c.model_type;
  if (typeof modelType !== 'string') fail('model_type', 'is missing.');
  if (!(supportedArchitectures as readonly string[]).includes(modelType)) {
    throw new EngineError(
      'UNSUPPORTED_ARCHITECTURE',
      `config.json says model_type "${modelType}"; QLoRA Studio supports ${supportedArchitectures.join(', ')}.`,
    );
  }
  const architecture = modelType as Architecture;
  const act = c.hidden_act ?? c.hidden_activation ?? 'silu';
  if (act !== 'silu') throw new EngineError('UNSUPPORTED_ARCHITECTURE', `config.json: hidden_act "${String(act)}" is not supported; only silu.`);
  const hiddenSize = int(c, 'hidden_size');
  const numHeads = int(c, 'num_attention_heads');
  const numKvHeads = int(c, 'num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) fail('num_key_value_heads', `(${numKvHeads}) must divide num_attention_heads (${numHeads}).`);
  const headDim = int(c, 'head_dim', hiddenSize / numHeads);
  const rope = parseRope(c);
  const attentionBias = c.attention_bias === true;
  return {
    architecture,
    hiddenSize,
    intermediateSize: int(c, 'intermediate_size'),
    numLayers: int(c, 'num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: int(c, 'vocab_size'),
    maxPositionEmbeddings: int(c, 'max_position_embeddings', 2048),
    rmsNormEps: num(c, 'rms_norm_eps', 1e-6),
    ropeTheta: rope.theta,
    ropeScaling: rope.scaling,
    qkvBias: architecture === 'qwen2' || attentionBias,
    oBias: architecture !== 'qwen2' && attentionBias,
    mlpBias: c.mlp_bias === true,
    tieWordEmbeddings: c.tie_word_embeddings === true,
    bosTokenId: Number.isInteger(c.bos_token_id) ? (c.bos_token_id as number) : null,
    eosTokenIds: tokenIds(c.eos_token_id),
  };
}

/** Number of parameters the config implies (embeddings counted once when tied). */
export function parameterCount(config: ModelConfig): number {
  const { hiddenSize: h, intermediateSize: i, numHeads, numKvHeads, headDim: d, vocabSize: v } = config;
  const q = h * numHeads * d + (config.qkvBias ? numHeads * d : 0);
  const kv = 2 * (h * numKvHeads * d + (config.qkvBias ? numKvHeads * d : 0));
  const o = numHeads * d * h + (config.oBias ? h : 0);
  const mlp = 3 * h * i + (config.mlpBias ? 2 * i + h : 0);
  const perLayer = q + kv + o + mlp + 2 * h;
  return v * h * (config.tieWordEmbeddings ? 1 : 2) + config.numLayers * perLayer + h;
}
