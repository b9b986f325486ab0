/**
 * Hugging Face tensor names of the Llama-layout families (see architecture.ts), and reading
 * them: the only place the `model.layers.N.(self_attn|mlp).X_proj` pattern is written.
 */
import type { ModelConfig } from './architecture.js';

/** Reads a float32 tensor by its Hugging Face name (e.g. 'model.layers.0.self_attn.q_proj.weight'). */
export type GetWeight = (name: string) => Float32Array;

/** The linear projections of one decoder layer, in the order a block applies them. */
export const LAYER_LINEARS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
/** One of `LAYER_LINEARS`. */
export type LayerLinear = (typeof LAYER_LINEARS)[number];

const MLP_LINEARS: readonly LayerLinear[] = ['gate_proj', 'up_proj', 'down_proj'];

/** The PEFT / HF module path of a layer's linear, e.g. 'model.layers.0.self_attn.q_proj'. */
export function linearModule(layer: number, linear: LayerLinear): string {
  return `model.layers.${layer}.${MLP_LINEARS.includes(linear) ? 'mlp' : 'self_attn'}.${linear}`;
}

const modulePattern = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)$/;

/** The layer and linear of a module path (the inverse of `linearModule`), or null when it names none. */
export function parseLinearModule(module: string): { layer: number; linear: LayerLinear } | null {
  const m = modulePattern.exec(module);
  const linear = LAYER_LINEARS.find((l) => l === m?.[3]);
  if (!m || !linear || linearModule(Number(m[1]), linear) !== module) return null;
  return { layer: Number(m[1]), linear };
}

/** `[out, in]` of a layer's linear for this config. */
export function linearShape(
  config: Pick<ModelConfig, 'hiddenSize' | 'intermediateSize' | 'numHeads' | 'numKvHeads' | 'headDim'>,
  linear: LayerLinear,
): [out: number, inp: number] {
  const { hiddenSize: C, intermediateSize: I, numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  switch (linear) {
    case 'q_proj':
      return [H * D, C];
    case 'k_proj':
    case 'v_proj':
      return [Hkv * D, C];
    case 'o_proj':
      return [C, H * D];
    case 'gate_proj':
    case 'up_proj':
      return [I, C];
    case 'down_proj':
      return [C, I];
  }
}

/** Whether this config gives the linear a bias. */
export function linearHasBias(config: Pick<ModelConfig, 'qkvBias' | 'oBias' | 'mlpBias'>, linear: LayerLinear): boolean {
  if (linear === 'q_proj' || linear === 'k_proj' || linear === 'v_proj') return config.qkvBias;
  if (linear === 'o_proj') return config.oBias;
  return config.mlpBias;
}

/** Names of the non-layer tensors. The lm_head is the embedding table when embeddings are tied. */
export function globalWeightNames(config: Pick<ModelConfig, 'tieWordEmbeddings'>): { embed: string; norm: string; lmHead: string } {
  return {
    embed: 'model.embed_tokens.weight',
    norm: 'model.norm.weight',
    lmHead: config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight',
  };
}

/**
 * The RMSNorms a layer may have: `input` (before attention) and `postAttention` always; with
 * `sandwichNorms`, `preFeedforward` and `postFeedforward`; with `qkNorm`, `q` and `k` (over D).
 */
export type LayerNorm = 'input' | 'postAttention' | 'preFeedforward' | 'postFeedforward' | 'q' | 'k';

/** The norms of a layer of this config, in checkpoint order. */
export function layerNorms(config: Pick<ModelConfig, 'sandwichNorms' | 'qkNorm'>): LayerNorm[] {
  return [
    'input',
    ...(config.qkNorm ? (['q', 'k'] as const) : []),
    'postAttention',
    ...(config.sandwichNorms ? (['preFeedforward', 'postFeedforward'] as const) : []),
  ];
}

/** The tensor name of one of a layer's norms. */
export function layerNormName(layer: number, norm: LayerNorm): string {
  const p = `model.layers.${layer}`;
  switch (norm) {
    case 'input':
      return `${p}.input_layernorm.weight`;
    case 'postAttention':
      return `${p}.post_attention_layernorm.weight`;
    case 'preFeedforward':
      return `${p}.pre_feedforward_layernorm.weight`;
    case 'postFeedforward':
      return `${p}.post_feedforward_layernorm.weight`;
    case 'q':
      return `${p}.self_attn.q_norm.weight`;
    case 'k':
      return `${p}.self_attn.k_norm.weight`;
  }
}

/** Length of a norm's weight: D for the q/k norms, C otherwise. */
export function layerNormSize(config: Pick<ModelConfig, 'hiddenSize' | 'headDim'>, norm: LayerNorm): number {
  return norm === 'q' || norm === 'k' ? config.headDim : config.hiddenSize;
}

/**
 * The weight an RMSNorm multiplies by: the stored one plus `normOffset` (Gemma stores w − 1),
 * added in float32 as transformers does (`1.0 + weight.float()`). Every path reads norms
 * through this, so no graph or reference knows of the offset.
 */
export function effectiveNormWeight(config: Pick<ModelConfig, 'normOffset'>, stored: Float32Array): Float32Array {
  return config.normOffset === 0 ? stored : stored.map((w) => w + config.normOffset);
}

/** A layer norm's effective weight (see `effectiveNormWeight`). */
export function readLayerNorm(config: Pick<ModelConfig, 'normOffset'>, getWeight: GetWeight, layer: number, norm: LayerNorm): Float32Array {
  return effectiveNormWeight(config, getWeight(layerNormName(layer, norm)));
}

/** The final norm's effective weight. */
export function readFinalNorm(config: Pick<ModelConfig, 'normOffset' | 'tieWordEmbeddings'>, getWeight: GetWeight): Float32Array {
  return effectiveNormWeight(config, getWeight(globalWeightNames(config).norm));
}

/**
 * Embedding rows of `ids`, times the family's `embeddingScale` (in float32, as transformers
 * scales them): (T, C). `table` is (V, C).
 */
export function embedRows(
  config: Pick<ModelConfig, 'hiddenSize' | 'vocabSize' | 'embeddingScale'>,
  table: Float32Array,
  ids: ArrayLike<number>,
  onBadId: (id: number) => never,
): Float32Array {
  const { hiddenSize: C, vocabSize: V, embeddingScale: scale } = config;
  const out = new Float32Array(ids.length * C);
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t] as number;
    if (!Number.isInteger(id) || id < 0 || id >= V) onBadId(id);
    const row = table.subarray(id * C, (id + 1) * C);
    if (scale === 1) out.set(row, t * C);
    else for (let c = 0; c < C; c++) out[t * C + c] = Math.fround((row[c] as number) * scale);
  }
  return out;
}

/** Names of every tensor a config needs (the lm_head only when untied), in checkpoint order. */
export function weightNames(config: ModelConfig): string[] {
  const names = globalWeightNames(config);
  const out = [names.embed];
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const norm of layerNorms(config)) out.push(layerNormName(layer, norm));
    for (const linear of LAYER_LINEARS) {
      const name = linearModule(layer, linear);
      out.push(`${name}.weight`);
      if (linearHasBias(config, linear)) out.push(`${name}.bias`);
    }
  }
  out.push(names.norm);
  if (!config.tieWordEmbeddings) out.push(names.lmHead);
  return out;
}

/** What a tensor name is: a linear's weight or bias, a norm, or a global tensor; null if none of this config. */
export function describeWeight(
  config: ModelConfig,
  name: string,
):
  | { kind: 'linear'; layer: number; linear: LayerLinear; part: 'weight' | 'bias' }
  | { kind: 'norm'; norm: LayerNorm | 'final' }
  | { kind: 'embed' | 'lmHead' }
  | null {
  const names = globalWeightNames(config);
  if (name === names.embed) return { kind: 'embed' };
  if (name === 'lm_head.weight' && !config.tieWordEmbeddings) return { kind: 'lmHead' };
  if (name === names.norm) return { kind: 'norm', norm: 'final' };
  const dot = name.lastIndexOf('.');
  const part = name.slice(dot + 1);
  const linear = parseLinearModule(name.slice(0, dot));
  if (linear && linear.layer < config.numLayers && (part === 'weight' || (part === 'bias' && linearHasBias(config, linear.linear))))
    return { kind: 'linear', ...linear, part };
  const layer = /^model\.layers\.(\d+)\./.exec(name);
  if (layer && Number(layer[1]) < config.numLayers) {
    const norm = layerNorms(config).find((n) => layerNormName(Number(layer[1]), n) === name);
    if (norm) return { kind: 'norm', norm };
  }
  return null;
}
