/** Hugging Face tensor names of Llama-family checkpoints (llama, mistral, qwen2). */
import type { ModelConfig } from '../io/config.js';

/** The linear projections of one decoder layer, in the order a block applies them. */
export const LAYER_LINEARS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
/** One of `LAYER_LINEARS`. */
export type LayerLinear = (typeof LAYER_LINEARS)[number];

/** The PEFT / HF module path of a layer's linear, e.g. 'model.layers.0.self_attn.q_proj'. */
export function linearModule(layer: number, linear: LayerLinear): string {
  const group = linear === 'gate_proj' || linear === 'up_proj' || linear === 'down_proj' ? 'mlp' : 'self_attn';
  return `model.layers.${layer}.${group}.${linear}`;
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
export function linearHasBias(config: ModelConfig, linear: LayerLinear): boolean {
  if (linear === 'q_proj' || linear === 'k_proj' || linear === 'v_proj') return config.qkvBias;
  if (linear === 'o_proj') return config.oBias;
  return config.mlpBias;
}

/** Names of the non-layer tensors. The lm_head is the embedding table when embeddings are tied. */
export function globalWeightNames(config: ModelConfig): { embed: string; norm: string; lmHead: string } {
  return {
    embed: 'model.embed_tokens.weight',
    norm: 'model.norm.weight',
    lmHead: config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight',
  };
}

/** Names of a layer's two RMSNorm weights. */
export function layerNormNames(layer: number): { input: string; postAttention: string } {
  return {
    input: `model.layers.${layer}.input_layernorm.weight`,
    postAttention: `model.layers.${layer}.post_attention_layernorm.weight`,
  };
}
