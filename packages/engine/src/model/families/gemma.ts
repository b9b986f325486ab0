/**
 * Gemma, Gemma 2 and Gemma 3 (text): the Llama layout with
 * - embeddings scaled by √hidden_size and norms that multiply by (1 + w);
 * - GeGLU (GELU, tanh approximation) instead of SwiGLU;
 * and from Gemma 2 on
 * - four norms per layer (norms after attention and after the MLP too);
 * - scores scaled by query_pre_attn_scalar^−½;
 * - sliding-window layers: every other one in Gemma 2 (the even ones), five of every six in
 *   Gemma 3, whose sliding layers rotate with another base (`rope_local_base_freq`);
 * - Gemma 2: tanh soft-capping of attention scores and of the final logits;
 * - Gemma 3: RMSNorm on each head's q and k.
 * The head is always tied to the embeddings.
 */
import type { ArchitectureFeatures, ConfigFields, FamilyDescriptor, LayerType, ModelDims } from '../architecture.js';

/**
 * Gemma (1), and what Gemma 2/3 start from. transformers runs tanh-GELU unless
 * `hidden_activation` says otherwise (Gemma 1's `hidden_act: "gelu"` is ignored).
 */
function gemma1(f: ConfigFields, dims: ModelDims): ArchitectureFeatures {
  const rope = f.rope(10000);
  const attentionBias = f.bool('attention_bias');
  return {
    qkvBias: attentionBias,
    oBias: attentionBias,
    mlpBias: false,
    normOffset: 1,
    activation: f.activation(['hidden_activation'], 'gelu_tanh'),
    qkNorm: false,
    sandwichNorms: false,
    embeddingScale: Math.fround(Math.sqrt(dims.hiddenSize)),
    attentionScale: 1 / Math.sqrt(dims.headDim),
    attnSoftcap: null,
    finalSoftcap: null,
    layerTypes: Array.from({ length: dims.numLayers }, () => 'full'),
    slidingWindow: null,
    rope,
    localRope: rope,
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
  };
}

export const gemma: FamilyDescriptor = {
  modelTypes: ['gemma', 'gemma2', 'gemma3_text'],
  features(f, dims): ArchitectureFeatures {
    if (f.raw.model_type === 'gemma') return gemma1(f, dims);
    const gemma3 = f.raw.model_type === 'gemma3_text';
    const pattern = gemma3 ? f.int('sliding_window_pattern', 6) : 2;
    // Gemma 2: layer i slides when i is even; Gemma 3: unless (i + 1) is a multiple of the pattern.
    const slides = (layer: number): LayerType => (gemma3 ? ((layer + 1) % pattern !== 0 ? 'sliding' : 'full') : layer % 2 === 0 ? 'sliding' : 'full');
    const rope = f.rope(gemma3 ? 1_000_000 : 10000);
    return {
      ...gemma1(f, dims),
      activation: f.activation(['hidden_activation', 'hidden_act'], 'gelu_tanh'),
      qkNorm: gemma3,
      sandwichNorms: true,
      attentionScale: 1 / Math.sqrt(f.num('query_pre_attn_scalar', 256)),
      attnSoftcap: f.optionalNum('attn_logit_softcapping', gemma3 ? null : 50),
      finalSoftcap: f.optionalNum('final_logit_softcapping', gemma3 ? null : 30),
      ...f.layerTypes(dims.numLayers, slides),
      rope,
      localRope: gemma3 ? { theta: f.num('rope_local_base_freq', 10000), scaling: { type: 'none' } } : rope,
    };
  },
  exampleConfig(modelType, dims) {
    if (modelType === 'gemma') {
      return {
        architectures: ['GemmaForCausalLM'],
        attention_bias: false,
        attention_dropout: 0.0,
        head_dim: dims.headDim,
        hidden_act: 'gelu',
        hidden_activation: null,
        rms_norm_eps: 1e-6,
        rope_theta: 10000.0,
      };
    }
    const shared = {
      attention_bias: false,
      attention_dropout: 0.0,
      head_dim: dims.headDim,
      hidden_act: 'gelu_pytorch_tanh',
      hidden_activation: 'gelu_pytorch_tanh',
      query_pre_attn_scalar: dims.headDim,
      rms_norm_eps: 1e-6,
      sliding_window: 4,
    };
    if (modelType === 'gemma2') {
      return {
        architectures: ['Gemma2ForCausalLM'],
        ...shared,
        attn_logit_softcapping: 50.0,
        final_logit_softcapping: 30.0,
        cache_implementation: 'hybrid',
        rope_theta: 10000.0,
      };
    }
    return {
      architectures: ['Gemma3ForCausalLM'],
      ...shared,
      attn_logit_softcapping: null,
      final_logit_softcapping: null,
      rope_local_base_freq: 10000.0,
      rope_scaling: { factor: 8.0, rope_type: 'linear' },
      rope_theta: 1000000.0,
      // Real checkpoints slide 5 of every 6 layers; a pattern of 2 gives a 2-layer test model one of each.
      sliding_window_pattern: 2,
      layer_types: Array.from({ length: dims.numLayers }, (_, i) => ((i + 1) % 2 !== 0 ? 'sliding_attention' : 'full_attention')),
    };
  },
};
