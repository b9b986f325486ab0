/**
 * The whole decoder stack of a Llama-family model as ONE ONNX graph, run once per forward
 * (prefill or a decode step): every layer, the final norm and the lm_head. Embedding rows are
 * looked up in TypeScript and fed as `inputs_embeds`.
 *
 * Inputs:  inputs_embeds (T, C); rotary/mask inputs (see attention.ts); logit_rows int64 (P),
 *          the positions whose logits are wanted; past_key.i / past_value.i (1, Hkv, past, D);
 *          per layer and fused linear, LoRA `lora.i.NAME.A` (K, R) and `.B` (R, N) (R may be 0);
 *          weights the formats keep as inputs (fp32, nf4), fed without a copy.
 * Outputs: logits (P, V); present_key.i / present_value.i (1, Hkv, past + T, D).
 *
 * Per layer: RMSNorm → stacked q|k|v linear → attention → o_proj → residual + RMSNorm (one
 * SkipSimplifiedLayerNormalization) → gate, up → silu(gate)·up → down_proj, whose
 * residual add is fused into the next layer's (or the final) norm.
 */
import type { ModelConfig } from '../io/config.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
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
  inputNorm: Float32Array; // (C)
  postNorm: Float32Array; // (C)
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
function emitSkipNorm(g: GraphBuilder, sink: TensorSink, input: string, skip: string, weight: TensorValue, name: string, eps: number): { normed: string; sum: string } {
  const gamma = sink.add(name, weight, 'input');
  const [normed, , , sum] = g.node('SkipSimplifiedLayerNormalization', [input, skip, gamma], { epsilon: attr.float(eps) }, { domain: 'com.microsoft', outputs: 4 });
  return { normed: normed as string, sum: sum as string };
}

/** Builds the decoder graph for `config` over `weights`. */
export function buildDecoderGraph(config: ModelConfig, weights: DecoderWeights, options: { attention: AttentionKind; lora: boolean }): BuiltGraph {
  const { hiddenSize: C, numKvHeads: Hkv, headDim: D, rmsNormEps: eps, vocabSize: V } = config;
  const g = new GraphBuilder('causal_lm');
  const sink = new CollectingSink(g);
  const vec = (data: Float32Array): TensorValue => makeTensor('float32', [data.length], data);
  let residual = g.input(GRAPH_NAMES.inputsEmbeds, 'float32', ['T', C]);
  declareAttentionInputs(g, options.attention, D);
  const logitRows = g.input(GRAPH_NAMES.logitRows, 'int64', ['P']);
  const first = weights.layers[0];
  if (!first) throw new Error('buildDecoderGraph: the model has no layers');
  const gamma0 = sink.add('model.layers.0.input_layernorm.weight', vec(first.inputNorm), 'input');
  let h = g.op('SimplifiedLayerNormalization', [residual, gamma0], { epsilon: attr.float(eps), axis: attr.int(-1) }); // (T, C)
  weights.layers.forEach((layer, i) => {
    const linear = (x: string, name: FusedLinear): string => emitAdaptedLinear(g, sink, x, i, name, layer.linears[name], options.lora);
    const pastKey = g.input(GRAPH_NAMES.pastKey(i), 'float32', [1, Hkv, 'past', D]);
    const pastValue = g.input(GRAPH_NAMES.pastValue(i), 'float32', [1, Hkv, 'past', D]);
    const attn = emitAttention(g, options.attention, config, `model.layers.${i}.attn`, linear(h, 'qkv'), pastKey, pastValue, {
      key: GRAPH_NAMES.presentKey(i),
      value: GRAPH_NAMES.presentValue(i),
    });
    g.output(attn.presentKey, 'float32', [1, Hkv, 'S', D]);
    g.output(attn.presentValue, 'float32', [1, Hkv, 'S', D]);
    const post = emitSkipNorm(g, sink, linear(attn.out, 'o'), residual, vec(layer.postNorm), `model.layers.${i}.post_attention_layernorm.weight`, eps);
    // gate and up stay two matmuls: one stacked matmul needs a Split after it, which copies
    // (T, 2I) and cost more in prefill than the second matmul launch.
    const gate = linear(post.normed, 'gate');
    const up = linear(post.normed, 'up');
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]); // silu(gate)·up: (T, I)
    const down = linear(act, 'down');
    const next = weights.layers[i + 1];
    const [normName, normWeight] = next ? [`model.layers.${i + 1}.input_layernorm.weight`, next.inputNorm] : ['model.norm.weight', weights.finalNorm];
    const norm = emitSkipNorm(g, sink, down, post.sum, vec(normWeight), normName, eps);
    h = norm.normed;
    residual = norm.sum;
  });
  const rows = g.op('Gather', [h, logitRows], { axis: attr.int(0) }); // (P, C)
  const logits = emitLinear(g, sink, rows, 'lm_head', weights.lmHead);
  g.output(g.op('Identity', [logits], {}, { output: GRAPH_NAMES.logits }), 'float32', ['P', V]);
  return { bytes: g.toModelBytes(), weightFeeds: sink.feeds };
}
