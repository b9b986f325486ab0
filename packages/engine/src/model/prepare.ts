/**
 * Turns Hugging Face float weights into the formats the decoder graph's kernels read: one
 * module at a time (so peak memory is the result plus one float32 matrix), then stacked into
 * the fused linears of `FUSED_LINEARS`.
 */
import type { ModelConfig } from '../io/config.js';
import { dequantizeNf4, quantizeNf4 } from '../quant/index.js';
import { FUSED_LINEAR_NAMES, FUSED_LINEARS, type DecoderWeights, type FusedLinear, type LayerWeights } from './graph.js';
import { NBITS_BLOCK_SIZE, nbitsOf, quantizeNBits, stackLinears, type LinearWeights } from './linear.js';
import {
  globalWeightNames,
  linearHasBias,
  linearModule,
  linearShape,
  layerNorms,
  readFinalNorm,
  readLayerNorm,
  type GetWeight,
  type LayerLinear,
} from './weight-names.js';

/**
 * Kernel per weight group:
 * - layers: `fp32`; `nf4` (MatMulBnb4 on bitsandbytes NF4); `int8` / `int4` (MatMulNBits built
 *   from the NF4-dequantized weights, so they approximate the NF4 model, not the float one).
 * - lmHead: `fp32`, or `int8` / `int4` from the float weights (QLoRA never quantizes the head).
 */
export interface LinearKernels {
  layers: 'fp32' | 'nf4' | 'int8' | 'int4';
  lmHead: 'fp32' | 'int8' | 'int4';
}

/** Converts one float weight (N, K) to `format`; `viaNf4` first rounds it through NF4. */
export function toLinearFormat(
  weight: Float32Array,
  N: number,
  K: number,
  format: LinearWeights['format'],
  viaNf4: boolean,
  bias?: Float32Array,
): LinearWeights {
  const source = viaNf4 && format !== 'nf4' ? dequantizeNf4(quantizeNf4(weight)) : weight;
  switch (format) {
    case 'fp32':
      return { format, N, K, bias, weight: source };
    case 'nf4':
      return { format, N, K, bias, nf4: quantizeNf4(weight) };
    case 'int8':
    case 'int4':
      return { format, N, K, bias, blockSize: NBITS_BLOCK_SIZE, ...quantizeNBits(source, N, K, nbitsOf(format)) };
  }
}

function prepareLayer(config: ModelConfig, getWeight: GetWeight, layer: number, kernels: LinearKernels): LayerWeights {
  const module = (linear: LayerLinear): LinearWeights => {
    const [N, K] = linearShape(config, linear);
    const name = linearModule(layer, linear);
    const bias = linearHasBias(config, linear) ? getWeight(`${name}.bias`) : undefined;
    return toLinearFormat(getWeight(`${name}.weight`), N, K, kernels.layers, kernels.layers !== 'fp32', bias);
  };
  const linears = {} as Record<FusedLinear, LinearWeights>;
  for (const fused of FUSED_LINEAR_NAMES) linears[fused] = stackLinears(FUSED_LINEARS[fused].map(module));
  const norms = Object.fromEntries(layerNorms(config).map((norm) => [norm, readLayerNorm(config, getWeight, layer, norm)]));
  return { norms, linears };
}

/** Every weight of the decoder graph, converted for `kernels`. */
export function prepareDecoderWeights(config: ModelConfig, getWeight: GetWeight, kernels: LinearKernels): DecoderWeights {
  const names = globalWeightNames(config);
  const layers = Array.from({ length: config.numLayers }, (_, layer) => prepareLayer(config, getWeight, layer, kernels));
  const lmHead = toLinearFormat(getWeight(names.lmHead), config.vocabSize, config.hiddenSize, kernels.lmHead, false);
  return { layers, finalNorm: readFinalNorm(config, getWeight), lmHead };
}
