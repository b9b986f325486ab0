/**
 * The whole decoder stack of a Llama-layout model as ONE ONNX graph, run once per forward
 * (prefill or a decode step): every layer, the final norm and the lm_head. Embedding rows are
 * looked up in TypeScript and fed as `inputs_embeds`.
 *
 * Inputs:  inputs_embeds (T, C); rotary/mask inputs (see attention.ts); logit_rows int64 (P),
 *          the positions whose logits are wanted; past_key.i / past_value.i (1, Hkv, past, D);
 *          per layer and fused linear, LoRA `lora.i.NAME.A` (K, R) and `.B` (R, N) (R may be 0);
 *          weights the formats keep as inputs (fp32, nf4), fed without a copy.
 * Outputs: logits (P, V); present_key.i / present_value.i (1, Hkv, past + T, D).
 *
 * Per layer: RMSNorm → stacked q|k|v linear → attention (q/k norms inside when the family has
 * them) → o_proj → residual + RMSNorm (one SkipSimplifiedLayerNormalization) → gate, up →
 * act(gate)·up → down_proj, whose residual add is fused into the next layer's (or the final)
 * norm. With sandwich norms (Gemma) o_proj's and down_proj's outputs are normed first, and the
 * fused norm after attention is the pre-feedforward one. The logits are soft-capped when the
 * family asks (Gemma 2). Norm weights arrive effective (offset added: weight-names.ts).
 */
import type { ModelConfig } from './architecture.js';
import type { LayerNorm } from './weight-names.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { Ops, softcap } from '../onnx/ops.js';
import { attr, makeTensor, type TensorValue } from '../onnx/model.js';
import { declareAttentionInputs, emitAttention, type AttentionKind } from './attention.js';
import { emitLinear, type LinearWeights, type TensorSink } from './linear.js';
import type { LayerLinear } from './weight-names.js';

/** The linears a block runs, each stacking the HF modules that read the same input. */
export const FUSED_LINEARS = {
  qkv: ['q_proj', 'k_proj', 'v_proj'],
  o: ['o_proj'],
  gate: ['gate_proj'],
  up: ['up_proj'],
  down: ['down_proj'],
} as const satisfies Record<string, readonly LayerLinear[]>;
/** A key of `FUSED_LINEARS`. */
export type FusedLinear = keyof typeof FUSED_LINEARS;
/** The fused linears in block order. */
export const FUSED_LINEAR_NAMES = Object.keys(FUSED_LINEARS) as FusedLinear[];

/** One decoder layer's weights, linears already stacked and in their kernel's format. */
export interface LayerWeights {
  /** Effective RMSNorm weights, (C) or (D) for q/k: the config's `layerNorms`. */
  norms: Partial<Record<LayerNorm, Float32Array>>;
  linears: Record<FusedLinear, LinearWeights>;
}

/** Every weight the graph reads. */
export interface DecoderWeights {
  layers: LayerWeights[];
  finalNorm: Float32Array; // (C)
  lmHead: LinearWeights; // (V, C)
}

/** Names of the graph's inputs and outputs. */
export const GRAPH_NAMES = {
  inputsEmbeds: 'inputs_embeds',
  logitRows: 'logit_rows',
  logits: 'logits',
  pastKey: (layer: number): string => `past_key.${layer}`,
  pastValue: (layer: number): string => `past_value.${layer}`,
  presentKey: (layer: number): string => `present_key.${layer}`,
  presentValue: (layer: number): string => `present_value.${layer}`,
  loraA: (layer: number, linear: FusedLinear): string => `lora.${layer}.${linear}.A`,
  loraB: (layer: number, linear: FusedLinear): string => `lora.${layer}.${linear}.B`,
} as const;

/** A serialized graph and the tensors to feed with every run. */
export interface BuiltGraph {
  bytes: Uint8Array;
  /** Weights kept as graph inputs, by input name. */
  weightFeeds: Map<string, TensorValue>;
}

/** Collects weight inputs for feeding; initializers go into the model. */
class CollectingSink implements TensorSink {
  readonly feeds = new Map<string, TensorValue>();
  constructor(private readonly g: GraphBuilder) {}
  add(name: string, tensor: TensorValue, as: 'input' | 'initializer'): string {
    if (as === 'initializer') return this.g.initializer(name, tensor);
    this.feeds.set(name, tensor);
    return this.g.input(name, tensor.type, tensor.dims);
  }
}

/** y = linear(x) (+ (x·A)·B when the graph takes LoRA inputs). x: (T, K) → (T, N). */
function emitAdaptedLinear(g: GraphBuilder, sink: TensorSink, x: string, layer: number, name: FusedLinear, w: LinearWeights, lora: boolean): string {
  const y = emitLinear(g, sink, x, `model.layers.${layer}.${name}`, w);
  if (!lora) return y;
  const rank = `r_${layer}_${name}`;
  const a = g.input(GRAPH_NAMES.loraA(layer, name), 'float32', [w.K, rank]);
  const b = g.input(GRAPH_NAMES.loraB(layer, name), 'float32', [rank, w.N]);
  return g.op('Gemm', [g.op('MatMul', [x, a]), b, y]); // (x·A)·B + y in one node
}

/** RMSNorm of input + skip; returns the normed value and the sum (the new residual stream). */
function emitSkipNorm(g: GraphBuilder, input: string, skip: string, gamma: string, eps: number): { normed: string; sum: string } {
  const [normed, , , sum] = g.node(
    'SkipSimplifiedLayerNormalization',
    [input, skip, gamma],
    { epsilon: attr.float(eps) },
    { domain: 'com.microsoft', outputs: 4 },
  );
  return { normed: normed as string, sum: sum as string };
}

/** Builds the decoder graph for `config` over `weights`. */
export function buildDecoderGraph(config: ModelConfig, weights: DecoderWeights, options: { attention: AttentionKind; lora: boolean }): BuiltGraph {
  const { hiddenSize: C, numKvHeads: Hkv, headDim: D, rmsNormEps: eps, vocabSize: V } = config;
  const g = new GraphBuilder('causal_lm');
  const o = new Ops(g);
  const sink = new CollectingSink(g);
  const vec = (data: Float32Array): TensorValue => makeTensor('float32', [data.length], data);
  /** A norm weight of layer i as a graph input. */
  const gamma = (i: number, norm: LayerNorm): string => {
    const weight = weights.layers[i]?.norms[norm];
    if (!weight) throw new Error(`buildDecoderGraph: layer ${i} has no ${norm} norm`);
    return sink.add(`model.layers.${i}.${norm}_norm.weight`, vec(weight), 'input');
  };
  const norm = (x: string, w: string): string => g.op('SimplifiedLayerNormalization', [x, w], { epsilon: attr.float(eps), axis: attr.int(-1) });
  let residual = g.input(GRAPH_NAMES.inputsEmbeds, 'float32', ['T', C]);
  declareAttentionInputs(g, options.attention, config);
  const logitRows = g.input(GRAPH_NAMES.logitRows, 'int64', ['P']);
  if (weights.layers.length === 0) throw new Error('buildDecoderGraph: the model has no layers');
  let h = norm(residual, gamma(0, 'input')); // (T, C)
  weights.layers.forEach((layer, i) => {
    const linear = (x: string, name: FusedLinear): string => emitAdaptedLinear(g, sink, x, i, name, layer.linears[name], options.lora);
    const pastKey = g.input(GRAPH_NAMES.pastKey(i), 'float32', [1, Hkv, 'past', D]);
    const pastValue = g.input(GRAPH_NAMES.pastValue(i), 'float32', [1, Hkv, 'past', D]);
    const qk = config.qkNorm ? { qNorm: gamma(i, 'q'), kNorm: gamma(i, 'k') } : {};
    const attn = emitAttention(o, options.attention, config, { layer: i, ...qk }, `model.layers.${i}.attn`, linear(h, 'qkv'), pastKey, pastValue, {
      key: GRAPH_NAMES.presentKey(i),
      value: GRAPH_NAMES.presentValue(i),
    });
    g.output(attn.presentKey, 'float32', [1, Hkv, 'S', D]);
    g.output(attn.presentValue, 'float32', [1, Hkv, 'S', D]);
    const projected = linear(attn.out, 'o');
    const post = config.sandwichNorms
      ? emitSkipNorm(g, norm(projected, gamma(i, 'postAttention')), residual, gamma(i, 'preFeedforward'), eps)
      : emitSkipNorm(g, projected, residual, gamma(i, 'postAttention'), eps);
    // gate and up stay two matmuls: one stacked matmul needs a Split after it, which copies
    // (T, 2I) and cost more in prefill than the second matmul launch.
    const gate = linear(post.normed, 'gate');
    const up = linear(post.normed, 'up');
    const activated = config.activation === 'silu' ? g.op('Mul', [gate, g.op('Sigmoid', [gate])]) : g.op('Gelu', [gate], { approximate: attr.string('tanh') });
    const down = linear(g.op('Mul', [activated, up]), 'down'); // act(gate)·up: (T, I) → (T, C)
    const branch = config.sandwichNorms ? norm(down, gamma(i, 'postFeedforward')) : down;
    const nextNorm = weights.layers[i + 1] ? gamma(i + 1, 'input') : sink.add('model.norm.weight', vec(weights.finalNorm), 'input');
    const next = emitSkipNorm(g, branch, post.sum, nextNorm, eps);
    h = next.normed;
    residual = next.sum;
  });
  const rows = g.op('Gather', [h, logitRows], { axis: attr.int(0) }); // (P, C)
  let logits = emitLinear(g, sink, rows, 'lm_head', weights.lmHead);
  if (config.finalSoftcap !== null) logits = softcap(o, logits, config.finalSoftcap).y;
  g.output(g.op('Identity', [logits], {}, { output: GRAPH_NAMES.logits }), 'float32', ['P', V]);
  return { bytes: g.toModelBytes(), weightFeeds: sink.feeds };
}
