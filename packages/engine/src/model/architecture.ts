/**
 * The architecture descriptor: everything that differs between the decoder-only model families
 * the engine runs, as data. `ModelConfig` carries it; the weight loader, PEFT key mapping, the
 * reference forward and backward and every graph builder read these fields and nothing else
 * about the family, so a new family is a `FamilyDescriptor` (model/families/) that fills them
 * from its `config.json`.
 *
 * Every family here has the Llama layout: embedding → N × (RMSNorm → attention → residual,
 * RMSNorm → gated MLP → residual) → RMSNorm → lm_head, with Hugging Face tensor names
 * `model.layers.N.self_attn.{q,k,v,o}_proj`, `model.layers.N.mlp.{gate,up,down}_proj` (see
 * weight-names.ts). What varies is below.
 */
import { EngineError } from '../errors.js';

export type RopeScaling =
  | { type: 'none' }
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

/** Rotary embedding of one kind of layer: base and scaling of the inverse frequencies. */
export interface RopeSpec {
  theta: number;
  scaling: RopeScaling;
}

/** 'sliding': a query sees only the `slidingWindow` latest positions (itself included). */
export type LayerType = 'full' | 'sliding';

/** The MLP's gate activation: silu (SwiGLU) or GELU's tanh approximation (GeGLU, Gemma). */
export type Activation = 'silu' | 'gelu_tanh';

/** What differs between families, read by every part of the engine. */
export interface ArchitectureFeatures {
  /** Biases on q/k/v projections (qwen2 always; llama when `attention_bias`). */
  qkvBias: boolean;
  /** Bias on o_proj (llama `attention_bias` only). */
  oBias: boolean;
  mlpBias: boolean;
  /** Every RMSNorm multiplies by (normOffset + w): Gemma stores w − 1 and uses 1; others 0. */
  normOffset: number;
  activation: Activation;
  /** RMSNorm over each head's D values of q and k, before RoPE (`q_norm`, `k_norm`: Qwen3, Gemma 3). */
  qkNorm: boolean;
  /**
   * Gemma 2/3's four norms per layer: `post_attention_layernorm` normalizes the attention
   * output before the residual add, `pre_feedforward_layernorm` / `post_feedforward_layernorm`
   * wrap the MLP. Otherwise `post_attention_layernorm` is the MLP's input norm.
   */
  sandwichNorms: boolean;
  /** Embedding rows are multiplied by this (Gemma: √hidden_size in float32; others 1). */
  embeddingScale: number;
  /** Attention scores are q·kᵀ times this: 1/√head_dim, or Gemma's query_pre_attn_scalar^−½. */
  attentionScale: number;
  /** Scores become cap·tanh(scores / cap) before the mask and softmax (Gemma 2), or null. */
  attnSoftcap: number | null;
  /** Logits become cap·tanh(logits / cap) (Gemma 2), or null. */
  finalSoftcap: number | null;
  /** Per layer: full or sliding-window attention. */
  layerTypes: LayerType[];
  /** Window of the sliding layers (positions a query sees, itself included), or null when none slide. */
  slidingWindow: number | null;
  /** RoPE of full-attention layers. */
  rope: RopeSpec;
  /** RoPE of sliding layers (Gemma 3 uses another base there); equal to `rope` otherwise. */
  localRope: RopeSpec;
  tieWordEmbeddings: boolean;
}

/** What the engine needs of a Hugging Face `config.json`, checked and normalised. */
export interface ModelConfig extends ArchitectureFeatures {
  /** `model_type` of config.json (one of the families in model/families/). */
  architecture: string;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
}

/** The sizes every family reads the same way, which a family's features may depend on. */
export type ModelDims = Pick<ModelConfig, 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'numKvHeads' | 'headDim' | 'vocabSize'>;

/**
 * One model family. Adding a family is a file in model/families/ with one of these, listed
 * in model/families/index.ts.
 */
export interface FamilyDescriptor {
  /** `model_type` values of config.json it reads. */
  modelTypes: readonly string[];
  /** The features its config.json implies (the shared sizes already read and checked). */
  features(fields: ConfigFields, dims: ModelDims): ArchitectureFeatures;
  /**
   * The family-specific config.json fields of a random test model, as transformers writes them
   * (the shared sizes, token ids and dtype are added by the writer).
   */
  exampleConfig(modelType: string, dims: ModelDims): Record<string, unknown>;
}

/** Typed reads of config.json fields; a bad value throws MODEL_CONFIG_INVALID naming the field. */
export class ConfigFields {
  constructor(readonly raw: Record<string, unknown>) {}

  fail(field: string, why: string): never {
    throw new EngineError('MODEL_CONFIG_INVALID', `config.json: "${field}" ${why}`);
  }

  /** A positive whole number; `fallback` when absent (or null). */
  int(field: string, fallback?: number): number {
    const value = this.raw[field] ?? fallback;
    if (value === undefined) this.fail(field, 'is missing.');
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) this.fail(field, `must be a positive whole number, not ${JSON.stringify(value)}.`);
    return value;
  }

  /** A positive number; `fallback` when absent (or null). */
  num(field: string, fallback: number): number {
    const value = this.raw[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(field, `must be a positive number, not ${JSON.stringify(value)}.`);
    return value;
  }

  /** A positive number, or null when absent or null (e.g. Gemma's optional soft-caps). */
  optionalNum(field: string, fallback: number | null = null): number | null {
    const value = this.raw[field] === undefined ? fallback : this.raw[field];
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      this.fail(field, `must be a positive number or null, not ${JSON.stringify(value)}.`);
    return value;
  }

  bool(field: string, fallback = false): boolean {
    const value = this.raw[field];
    return value === undefined || value === null ? fallback : value === true;
  }

  /** The activation named by `field` (the first of `fields` present), or `fallback`. */
  activation(fields: readonly string[], fallback: Activation): Activation {
    const field = fields.find((f) => this.raw[f] !== undefined && this.raw[f] !== null);
    const value = field ? this.raw[field] : undefined;
    if (value === undefined) return fallback;
    if (value === 'silu' || value === 'swish') return 'silu';
    if (value === 'gelu_pytorch_tanh') return 'gelu_tanh';
    throw new EngineError('UNSUPPORTED_ARCHITECTURE', `config.json: ${field} "${String(value)}" is not supported; supported: silu, gelu_pytorch_tanh.`);
  }

  /** `rope_scaling` (transformers ≤4) or `rope_parameters` (transformers 5), with `theta` from `rope_theta`. */
  rope(defaultTheta: number): RopeSpec {
    const params = (this.raw.rope_parameters ?? this.raw.rope_scaling ?? null) as Record<string, unknown> | null;
    const theta = this.num('rope_theta', typeof params?.rope_theta === 'number' ? params.rope_theta : defaultTheta);
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

  /**
   * Per-layer attention types: `layer_types` (transformers ≥4.53) when present, else
   * `fallback(layer)`. The window is `sliding_window` (required when a layer slides).
   */
  layerTypes(numLayers: number, fallback: (layer: number) => LayerType): { layerTypes: LayerType[]; slidingWindow: number | null } {
    const listed = this.raw.layer_types;
    let layerTypes: LayerType[];
    if (Array.isArray(listed)) {
      if (listed.length !== numLayers) this.fail('layer_types', `lists ${listed.length} layers, but num_hidden_layers is ${numLayers}.`);
      layerTypes = listed.map((t) => {
        if (t === 'full_attention') return 'full';
        if (t === 'sliding_attention') return 'sliding';
        return this.fail('layer_types', `holds "${String(t)}"; supported: full_attention, sliding_attention.`);
      });
    } else layerTypes = Array.from({ length: numLayers }, (_, layer) => fallback(layer));
    if (!layerTypes.includes('sliding')) return { layerTypes, slidingWindow: null };
    const window = this.raw.sliding_window;
    if (typeof window !== 'number' || !Number.isInteger(window) || window <= 0)
      this.fail('sliding_window', `must be a positive whole number for sliding-window layers, not ${JSON.stringify(window)}.`);
    return { layerTypes, slidingWindow: window };
  }
}

/** The RoPE of a layer. */
export function ropeOf(config: Pick<ArchitectureFeatures, 'layerTypes' | 'rope' | 'localRope'>, layer: number): RopeSpec {
  return config.layerTypes[layer] === 'sliding' ? config.localRope : config.rope;
}

/** The attention window of a layer: `slidingWindow` for sliding layers, null (unbounded) otherwise. */
export function windowOf(config: Pick<ArchitectureFeatures, 'layerTypes' | 'slidingWindow'>, layer: number): number | null {
  return config.layerTypes[layer] === 'sliding' ? config.slidingWindow : null;
}
