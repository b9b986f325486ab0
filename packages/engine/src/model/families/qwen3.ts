/** Qwen3: the Llama layout with an RMSNorm on each head's q and k before RoPE, and no biases by default. */
import type { FamilyDescriptor } from '../architecture.js';
import { llamaFeatures, qwenSlides } from './llama.js';

export const qwen3: FamilyDescriptor = {
  modelTypes: ['qwen3'],
  features: (f, dims) => ({ ...llamaFeatures(f, dims, qwenSlides(f, dims.numLayers)), qkNorm: true }),
  exampleConfig: (_modelType, dims) => ({
    architectures: ['Qwen3ForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    head_dim: dims.headDim,
    hidden_act: 'silu',
    max_window_layers: dims.numLayers,
    rms_norm_eps: 1e-6,
    rope_scaling: null,
    rope_theta: 1000000.0,
    sliding_window: null,
    use_sliding_window: false,
  }),
};
