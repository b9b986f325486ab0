/**
 * A whole Llama-family decoder in float64 with LoRA adapters, forward and backward: the loss of
 * a token sequence and the gradients of every LoRA A and B, the base weights frozen. It is the
 * oracle for QLoRA training steps, built from the float64 ops of this folder and checked as a
 * whole against central finite differences of the loss; its forward matches the float32
 * `referenceForward` (llama.ts) on the same weights with the adapter merged.
 *
 * Dimension letters: T positions, C hidden, H / Hkv query / key-value heads, D head size,
 * I intermediate, V vocabulary, r LoRA rank.
 */
import type { ModelConfig } from '../../io/config.js';
import { ropeInvFreq, ropeTables } from '../../model/rope.js';
import { globalWeightNames, layerNormName, linearHasBias, linearModule, linearShape, parseLinearModule, type GetWeight, type LayerLinear } from '../../model/weight-names.js';
import { causalAttentionBackward, causalAttentionForward, ropeBackward, ropeForward } from './attention.js';
import { embeddingForward, linearBackward, linearForward, loraLinearBackward, loraLinearForward, type LoraParams } from './linear.js';
import { crossEntropyBackward, crossEntropyForward } from './loss.js';
import { rmsNormBackward, rmsNormForward, siluBackward, siluForward } from './norm-mlp.js';

/** LoRA parameters by PEFT module path, e.g. 'model.layers.0.self_attn.q_proj'. Any layer linear may be adapted. */
export type LoraAdapter = ReadonlyMap<string, LoraParams>;

/** Gradients of one adapted module: dA (r, K), dB (N, r). */
export interface LoraGrads {
  dA: Float64Array;
  dB: Float64Array;
}

/** What `loraDecoderForward` returns. */
export interface LoraDecoderForward {
  /** (T, V) */
  logits: Float64Array;
}

/** What `loraDecoderBackward` returns. */
export interface LoraDecoderBackward extends LoraDecoderForward {
  /** Masked mean cross-entropy of the logits against the labels. */
  loss: number;
  /** d loss / d A and d loss / d B for every module of the adapter. */
  grads: Map<string, LoraGrads>;
}

interface Context {
  config: ModelConfig;
  adapter: LoraAdapter;
  /** A base tensor in float64 (frozen). */
  weight: (name: string) => Float64Array;
  rope: { cos: Float32Array; sin: Float32Array };
}

/** The activations of one layer that its backward needs. */
interface LayerCache {
  x: Float64Array; // (T, C) input
  h: Float64Array; // (T, C) input norm
  q: Float64Array; // (T, H, D) rotated
  k: Float64Array; // (T, Hkv, D) rotated
  v: Float64Array; // (T, Hkv, D)
  attn: Float64Array; // (T, H·D)
  x1: Float64Array; // (T, C) after the attention residual
  h2: Float64Array; // (T, C) post-attention norm
  g: Float64Array; // (T, I) gate before silu
  u: Float64Array; // (T, I) up
  a: Float64Array; // (T, I) silu(g) · u
}

function makeContext(config: ModelConfig, getWeight: GetWeight, adapter: LoraAdapter, T: number): Context {
  const cache = new Map<string, Float64Array>();
  const weight = (name: string): Float64Array => {
    let w = cache.get(name);
    if (!w) cache.set(name, (w = Float64Array.from(getWeight(name))));
    return w;
  };
  // The same float32 cos/sin the float32 reference and the ONNX graphs use.
  return { config, adapter, weight, rope: ropeTables(ropeInvFreq(config.headDim, config.rope), 0, T) };
}

/** y = x · Wᵀ (+ bias) (+ s · x · Aᵀ · Bᵀ when the module is adapted). */
function layerLinear(ctx: Context, layer: number, linear: LayerLinear, x: Float64Array): Float64Array {
  const [N, K] = linearShape(ctx.config, linear);
  const name = linearModule(layer, linear);
  const W = ctx.weight(`${name}.weight`);
  const bias = linearHasBias(ctx.config, linear) ? ctx.weight(`${name}.bias`) : undefined;
  const lora = ctx.adapter.get(name);
  return lora ? loraLinearForward(x, W, bias, lora, K, N) : linearForward(x, W, bias, K, N);
}

/** dx of a layer linear; an adapted module's dA and dB are added into `grads`. */
function layerLinearBackward(ctx: Context, layer: number, linear: LayerLinear, dy: Float64Array, x: Float64Array, grads: Map<string, LoraGrads>): Float64Array {
  const [N, K] = linearShape(ctx.config, linear);
  const name = linearModule(layer, linear);
  const W = ctx.weight(`${name}.weight`);
  const lora = ctx.adapter.get(name);
  if (!lora) return linearBackward(dy, x, W, K, N).dx;
  const g = loraLinearBackward(dy, x, W, lora, K, N);
  const sum = grads.get(name);
  if (!sum) grads.set(name, { dA: g.dA, dB: g.dB });
  else {
    g.dA.forEach((v, i) => (sum.dA[i] = (sum.dA[i] as number) + v));
    g.dB.forEach((v, i) => (sum.dB[i] = (sum.dB[i] as number) + v));
  }
  return g.dx;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + (b[i] as number));
}

/** One decoder layer: x + attn(norm(x)), then + mlp(norm(·)). x: (T, C) → (T, C). */
function layerForward(ctx: Context, layer: number, x: Float64Array): { out: Float64Array; cache: LayerCache } {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, rmsNormEps: eps } = ctx.config;
  const { cos, sin } = ctx.rope;
  const norms = { input: layerNormName(layer, 'input'), postAttention: layerNormName(layer, 'postAttention') };
  const h = rmsNormForward(x, ctx.weight(norms.input), eps, C);
  const q = ropeForward(layerLinear(ctx, layer, 'q_proj', h), cos, sin, H, D); // (T, H, D)
  const k = ropeForward(layerLinear(ctx, layer, 'k_proj', h), cos, sin, Hkv, D); // (T, Hkv, D)
  const v = layerLinear(ctx, layer, 'v_proj', h); // (T, Hkv, D)
  const attn = causalAttentionForward(q, k, v, H, Hkv, D); // (T, H·D)
  const x1 = add(x, layerLinear(ctx, layer, 'o_proj', attn));
  const h2 = rmsNormForward(x1, ctx.weight(norms.postAttention), eps, C);
  const g = layerLinear(ctx, layer, 'gate_proj', h2); // (T, I)
  const u = layerLinear(ctx, layer, 'up_proj', h2); // (T, I)
  const a = siluForward(g).map((value, i) => value * (u[i] as number));
  const out = add(x1, layerLinear(ctx, layer, 'down_proj', a));
  return { out, cache: { x, h, q, k, v, attn, x1, h2, g, u, a } };
}

/** Backward of `layerForward`: dout (T, C) → dx (T, C), LoRA gradients into `grads`. */
function layerBackward(ctx: Context, layer: number, dout: Float64Array, c: LayerCache, grads: Map<string, LoraGrads>): Float64Array {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, rmsNormEps: eps } = ctx.config;
  const { cos, sin } = ctx.rope;
  const norms = { input: layerNormName(layer, 'input'), postAttention: layerNormName(layer, 'postAttention') };
  // MLP branch: out = x1 + down(silu(g) · u).
  const da = layerLinearBackward(ctx, layer, 'down_proj', dout, c.a, grads); // (T, I)
  const sg = siluForward(c.g);
  const dg = siluBackward(
    da.map((value, i) => value * (c.u[i] as number)),
    c.g,
  );
  const du = da.map((value, i) => value * (sg[i] as number));
  const dh2 = add(layerLinearBackward(ctx, layer, 'gate_proj', dg, c.h2, grads), layerLinearBackward(ctx, layer, 'up_proj', du, c.h2, grads));
  const dx1 = add(dout, rmsNormBackward(dh2, c.x1, ctx.weight(norms.postAttention), eps, C).dx);
  // Attention branch: x1 = x + o(attention(rope(q(h)), rope(k(h)), v(h))).
  const dattn = layerLinearBackward(ctx, layer, 'o_proj', dx1, c.attn, grads); // (T, H·D)
  const { dq, dk, dv } = causalAttentionBackward(dattn, c.q, c.k, c.v, H, Hkv, D);
  let dh = layerLinearBackward(ctx, layer, 'q_proj', ropeBackward(dq, cos, sin, H, D), c.h, grads);
  dh = add(dh, layerLinearBackward(ctx, layer, 'k_proj', ropeBackward(dk, cos, sin, Hkv, D), c.h, grads));
  dh = add(dh, layerLinearBackward(ctx, layer, 'v_proj', dv, c.h, grads));
  return add(dx1, rmsNormBackward(dh, c.x, ctx.weight(norms.input), eps, C).dx);
}

function checkAdapter(config: ModelConfig, adapter: LoraAdapter): void {
  for (const name of adapter.keys()) {
    const parsed = parseLinearModule(name);
    if (!parsed || parsed.layer >= config.numLayers) {
      throw new RangeError(`loraDecoder: the adapter names "${name}", which is not a layer linear of this model`);
    }
  }
}

function decoderForward(ctx: Context, ids: readonly number[]): { logits: Float64Array; caches: LayerCache[]; hidden: Float64Array } {
  const { hiddenSize: C, vocabSize: V, numLayers, rmsNormEps: eps } = ctx.config;
  const names = globalWeightNames(ctx.config);
  let x = embeddingForward(ctx.weight(names.embed), ids, C); // (T, C)
  const caches: LayerCache[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const { out, cache } = layerForward(ctx, layer, x);
    caches.push(cache);
    x = out;
  }
  const normed = rmsNormForward(x, ctx.weight(names.norm), eps, C);
  return { logits: linearForward(normed, ctx.weight(names.lmHead), undefined, C, V), caches, hidden: x };
}

/**
 * The causal LM forward over `ids` (positions 0 … T − 1) with the adapter applied unmerged.
 * @param ids T token ids
 * @returns logits (T, V)
 */
export function loraDecoderForward(config: ModelConfig, getWeight: GetWeight, adapter: LoraAdapter, ids: readonly number[]): LoraDecoderForward {
  checkAdapter(config, adapter);
  return { logits: decoderForward(makeContext(config, getWeight, adapter, ids.length), ids).logits };
}

/**
 * Forward and backward of the masked mean cross-entropy: the loss and the gradient of every
 * LoRA A and B (base weights, norms and embeddings frozen).
 * @param ids T token ids
 * @param labels T labels, already shifted (`labels[t]` is what row t predicts), −100 to skip
 */
export function loraDecoderBackward(
  config: ModelConfig,
  getWeight: GetWeight,
  adapter: LoraAdapter,
  ids: readonly number[],
  labels: readonly number[],
): LoraDecoderBackward {
  checkAdapter(config, adapter);
  const { hiddenSize: C, vocabSize: V, numLayers, rmsNormEps: eps } = config;
  const ctx = makeContext(config, getWeight, adapter, ids.length);
  const names = globalWeightNames(config);
  const { logits, caches, hidden } = decoderForward(ctx, ids);
  const loss = crossEntropyForward(logits, labels, V);
  const dlogits = crossEntropyBackward(logits, labels, V); // (T, V)
  const dnormed = linearBackward(dlogits, rmsNormForward(hidden, ctx.weight(names.norm), eps, C), ctx.weight(names.lmHead), C, V).dx;
  let dx = rmsNormBackward(dnormed, hidden, ctx.weight(names.norm), eps, C).dx; // (T, C)
  const grads = new Map<string, LoraGrads>();
  for (let layer = numLayers - 1; layer >= 0; layer--) dx = layerBackward(ctx, layer, dx, caches[layer] as LayerCache, grads);
  for (const [name, lora] of adapter) {
    if (!grads.has(name)) grads.set(name, { dA: new Float64Array(lora.A.length), dB: new Float64Array(lora.B.length) });
  }
  return { logits, loss, grads };
}
