/** Llama-layout causal LMs on ONNX Runtime: loading, weight formats, the decoder graph, LoRA. */
export { loadCausalLM, kernelsFor, OrtCausalLM, type CausalLMSource, type LoadCausalLMOptions } from './causal-lm.js';
export { attentionKindFor, type AttentionKind } from './attention.js';
export {
  buildDecoderGraph,
  FUSED_LINEARS,
  FUSED_LINEAR_NAMES,
  GRAPH_NAMES,
  type BuiltGraph,
  type DecoderWeights,
  type FusedLinear,
  type LayerWeights,
} from './graph.js';
export {
  dequantizeNBits,
  emitLinear,
  NBITS_BLOCK_SIZE,
  NBITS_ERROR_BUDGET,
  quantizeNBits,
  stackLinears,
  type LinearWeights,
  type TensorSink,
} from './linear.js';
export { packLora, type LoraModule, type LoraWeights, type PackedTensor } from './lora.js';
export { prepareDecoderWeights, toLinearFormat, type LinearKernels } from './prepare.js';
export { randomWeight, randomWeights, testModelConfig } from './random-weights.js';
export {
  globalWeightNames,
  LAYER_LINEARS,
  layerNormName,
  layerNorms,
  linearHasBias,
  linearModule,
  linearShape,
  parseLinearModule,
  weightNames,
  type GetWeight,
  type LayerLinear,
  type LayerNorm,
} from './weight-names.js';
