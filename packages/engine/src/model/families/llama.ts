/**
 * Llama, Mistral and Qwen2: pre-norm blocks, SwiGLU, RoPE, optional biases. The reference
 * layout every other family is described against.
 */
import type { ArchitectureFeatures, ConfigFields, FamilyDescriptor, LayerType, ModelDims } from '../architecture.js';

/** Features shared by the Llama-layout families; each overrides what its config says. */
export function llamaFeatures(f: ConfigFields, dims: ModelDims, slides: (layer: number) => LayerType): ArchitectureFeatures {
  const rope = f.rope(10000);
  return {
    qkvBias: f.bool('attention_bias'),
    oBias: f.bool('attention_bias'),
    mlpBias: f.bool('mlp_bias'),
    normOffset: 0,
    activation: f.activation(['hidden_act'], 'silu'),
    qkNorm: false,
    sandwichNorms: false,
    embeddingScale: 1,
    attentionScale: 1 / Math.sqrt(dims.headDim),
    attnSoftcap: null,
    finalSoftcap: null,
    ...f.layerTypes(dims.numLayers, slides),
    rope,
    localRope: rope,
    tieWordEmbeddings: f.bool('tie_word_embeddings'),
  };
}

/** Qwen2/Qwen3's `use_sliding_window`: layers from `max_window_layers` on slide. */
export function qwenSlides(f: ConfigFields, numLayers: number): (layer: number) => LayerType {
  const on = f.bool('use_sliding_window') && f.raw.sliding_window !== null && f.raw.sliding_window !== undefined;
  const from = f.int('max_window_layers', numLayers);
  return (layer) => (on && layer >= from ? 'sliding' : 'full');
}

export const llama: FamilyDescriptor = {
  modelTypes: ['llama', 'mistral', 'qwen2'],
  features(f, dims) {
    switch (f.raw.model_type) {
      case 'qwen2':
        // Qwen2 always has q/k/v biases and never an o_proj one.
        return { ...llamaFeatures(f, dims, qwenSlides(f, dims.numLayers)), qkvBias: true, oBias: false };
      case 'mistral': {
        // Mistral slides every layer when `sliding_window` is set.
        const window = f.raw.sliding_window;
        return llamaFeatures(f, dims, () => (window === null || window === undefined ? 'full' : 'sliding'));
      }
      default:
        return llamaFeatures(f, dims, () => 'full');
    }
  },
  exampleConfig(modelType, dims) {
    if (modelType === 'qwen2') {
      return {
        architectures: ['Qwen2ForCausalLM'],
        attention_dropout: 0.0,
        hidden_act: 'silu',
        max_window_layers: dims.numLayers,
        rms_norm_eps: 1e-6,
        rope_scaling: null,
        rope_theta: 1000000.0,
        sliding_window: null,
        use_sliding_window: false,
      };
    }
    return {
      architectures: [modelType === 'mistral' ? 'MistralForCausalLM' : 'LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      head_dim: dims.headDim,
      hidden_act: 'silu',
      mlp_bias: false,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 10000.0,
      ...(modelType === 'mistral' ? { sliding_window: null } : {}),
    };
  },
};
