/**
 * A whole decoder of any family the engine runs (model/architecture.ts: norm offset, q/k norms,
 * sandwich norms, GeGLU, embedding and attention scales, soft-caps, sliding windows, per-layer
 * RoPE) in float64 with LoRA adapters, forward and backward: the loss of a token sequence and
 * the gradients of every LoRA A and B, the base weights frozen. It is the
 * oracle for QLoRA training steps, built from the float64 ops of this folder and checked as a
 * whole against central finite differences of the loss; its forward matches the float32
 * `referenceForward` (decoder.ts) on the same weights with the adapter merged.
 *
 * Dimension letters: T positions, C hidden, H / Hkv query / key-value heads, D head size,
 * I intermediate, V vocabulary, r LoRA rank.
 */
import { windowOf, type ModelConfig } from '../../model/architecture.js';
import {
  embedRows,
  globalWeightNames,
  layerNormName,
  linearHasBias,
  linearModule,
  linearShape,
  parseLinearModule,
  readFinalNorm,
  readLayerNorm,
  type GetWeight,
  type LayerLinear,
  type LayerNorm,
} from '../../model/weight-names.js';
import { layerRopeTables } from '../decoder.js';
import { causalAttentionBackward, causalAttentionForward, ropeBackward, ropeForward, type AttentionOptions } from './attention.js';
import { linearBackward, linearForward, loraLinearBackward, loraLinearForward, type LoraParams } from './linear.js';
import { crossEntropyBackward, crossEntropyForward } from './loss.js';
import { activationBackward, activationForward, rmsNormBackward, rmsNormForward, softcapBackward, softcapForward } from './norm-mlp.js';

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
  /** A layer norm's effective weight (the family's norm offset added, see weight-names.ts) in float64. */
  norm: (layer: number, which: LayerNorm) => Float64Array;
  /** The final norm's effective weight in float64. */
  finalNorm: () => Float64Array;
  /** Embedding rows of ids, scaled by the family's embedding scale (float32, as transformers). */
  embed: (ids: readonly number[]) => Float64Array;
  /** cos/sin (T, D/2) of each layer (full and sliding layers may rotate differently). */
  ropes: { cos: Float32Array; sin: Float32Array }[];
}

/** The activations of one layer that its backward needs. */
interface LayerCache {
  x: Float64Array; // (T, C) input
  h: Float64Array; // (T, C) input norm
  qp: Float64Array; // (T, H, D) q_proj output (before the q norm)
  kp: Float64Array; // (T, Hkv, D) k_proj output (before the k norm)
  q: Float64Array; // (T, H, D) normed (qkNorm) and rotated
  k: Float64Array; // (T, Hkv, D) normed (qkNorm) and rotated
  v: Float64Array; // (T, Hkv, D)
  attn: Float64Array; // (T, H·D)
  o: Float64Array; // (T, C) o_proj output
  x1: Float64Array; // (T, C) after the attention residual
  h2: Float64Array; // (T, C) the MLP's input norm
  g: Float64Array; // (T, I) gate before the activation
  u: Float64Array; // (T, I) up
  a: Float64Array; // (T, I) act(g) · u
  m: Float64Array; // (T, C) down_proj output
}

function makeContext(config: ModelConfig, getWeight: GetWeight, adapter: LoraAdapter, ropes: Context['ropes']): Context {
  const cache = new Map<string, Float64Array>();
  const weight = (name: string): Float64Array => {
    let w = cache.get(name);
    if (!w) cache.set(name, (w = Float64Array.from(getWeight(name))));
    return w;
  };
  const norms = new Map<string, Float64Array>();
  const norm = (layer: number, which: LayerNorm): Float64Array => {
    const key = layerNormName(layer, which);
    let w = norms.get(key);
    if (!w) norms.set(key, (w = Float64Array.from(readLayerNorm(config, getWeight, layer, which))));
    return w;
  };
  const embed = (ids: readonly number[]): Float64Array =>
    Float64Array.from(
      embedRows(config, getWeight(globalWeightNames(config).embed), ids, (id) => {
        throw new RangeError(`embeddingForward: token id ${id} is outside [0, ${config.vocabSize})`);
      }),
    );
  let final: Float64Array | undefined;
  const finalNorm = (): Float64Array => (final ??= Float64Array.from(readFinalNorm(config, getWeight)));
  return { config, adapter, weight, norm, finalNorm, embed, ropes };
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

/** RMSNorm of (rows, size) values by a layer norm's effective weight. */
function norm(ctx: Context, layer: number, which: LayerNorm, x: Float64Array, size = ctx.config.hiddenSize): Float64Array {
  return rmsNormForward(x, ctx.norm(layer, which), ctx.config.rmsNormEps, size);
}

/** dx of `norm`. */
function normBackward(ctx: Context, layer: number, which: LayerNorm, dy: Float64Array, x: Float64Array, size = ctx.config.hiddenSize): Float64Array {
  return rmsNormBackward(dy, x, ctx.norm(layer, which), ctx.config.rmsNormEps, size).dx;
}

function attentionOptions(config: ModelConfig, layer: number): AttentionOptions {
  return { scale: config.attentionScale, softcap: config.attnSoftcap, window: windowOf(config, layer) };
}

/**
 * One decoder layer: x1 = x + attn(norm(x)), y = x1 + mlp(norm(x1)); with sandwich norms the
 * attention and MLP outputs are normed too before their residual adds. x: (T, C) → (T, C).
 */
function layerForward(ctx: Context, layer: number, x: Float64Array): { out: Float64Array; cache: LayerCache } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D, qkNorm, sandwichNorms, activation } = ctx.config;
  const { cos, sin } = ctx.ropes[layer]!;
  const h = norm(ctx, layer, 'input', x);
  const qp = layerLinear(ctx, layer, 'q_proj', h); // (T, H, D)
  const kp = layerLinear(ctx, layer, 'k_proj', h); // (T, Hkv, D)
  const q = ropeForward(qkNorm ? norm(ctx, layer, 'q', qp, D) : qp, cos, sin, H, D);
  const k = ropeForward(qkNorm ? norm(ctx, layer, 'k', kp, D) : kp, cos, sin, Hkv, D);
  const v = layerLinear(ctx, layer, 'v_proj', h); // (T, Hkv, D)
  const attn = causalAttentionForward(q, k, v, H, Hkv, D, attentionOptions(ctx.config, layer)); // (T, H·D)
  const o = layerLinear(ctx, layer, 'o_proj', attn);
  const x1 = add(x, sandwichNorms ? norm(ctx, layer, 'postAttention', o) : o);
  const h2 = norm(ctx, layer, sandwichNorms ? 'preFeedforward' : 'postAttention', x1);
  const g = layerLinear(ctx, layer, 'gate_proj', h2); // (T, I)
  const u = layerLinear(ctx, layer, 'up_proj', h2); // (T, I)
  const a = activationForward(activation, g).map((value, i) => value * (u[i] as number));
  const m = layerLinear(ctx, layer, 'down_proj', a);
  const out = add(x1, sandwichNorms ? norm(ctx, layer, 'postFeedforward', m) : m);
  return { out, cache: { x, h, qp, kp, q, k, v, attn, o, x1, h2, g, u, a, m } };
}

/** Backward of `layerForward`: dout (T, C) → dx (T, C), LoRA gradients into `grads`. */
function layerBackward(ctx: Context, layer: number, dout: Float64Array, c: LayerCache, grads: Map<string, LoraGrads>): Float64Array {
  const { numHeads: H, numKvHeads: Hkv, headDim: D, qkNorm, sandwichNorms, activation } = ctx.config;
  const { cos, sin } = ctx.ropes[layer]!;
  // MLP branch: out = x1 + [norm](down(act(g) · u)).
  const dm = sandwichNorms ? normBackward(ctx, layer, 'postFeedforward', dout, c.m) : dout;
  const da = layerLinearBackward(ctx, layer, 'down_proj', dm, c.a, grads); // (T, I)
  const ag = activationForward(activation, c.g);
  const dg = activationBackward(
    activation,
    da.map((value, i) => value * (c.u[i] as number)),
    c.g,
  );
  const du = da.map((value, i) => value * (ag[i] as number));
  const dh2 = add(layerLinearBackward(ctx, layer, 'gate_proj', dg, c.h2, grads), layerLinearBackward(ctx, layer, 'up_proj', du, c.h2, grads));
  const dx1 = add(dout, normBackward(ctx, layer, sandwichNorms ? 'preFeedforward' : 'postAttention', dh2, c.x1));
  // Attention branch: x1 = x + [norm](o(attention(rope([norm](q(h))), rope([norm](k(h))), v(h)))).
  const dO = sandwichNorms ? normBackward(ctx, layer, 'postAttention', dx1, c.o) : dx1;
  const dattn = layerLinearBackward(ctx, layer, 'o_proj', dO, c.attn, grads); // (T, H·D)
  const { dq, dk, dv } = causalAttentionBackward(dattn, c.q, c.k, c.v, H, Hkv, D, attentionOptions(ctx.config, layer));
  let dqp = ropeBackward(dq, cos, sin, H, D);
  let dkp = ropeBackward(dk, cos, sin, Hkv, D);
  if (qkNorm) {
    dqp = normBackward(ctx, layer, 'q', dqp, c.qp, D);
    dkp = normBackward(ctx, layer, 'k', dkp, c.kp, D);
  }
  let dh = layerLinearBackward(ctx, layer, 'q_proj', dqp, c.h, grads);
  dh = add(dh, layerLinearBackward(ctx, layer, 'k_proj', dkp, c.h, grads));
  dh = add(dh, layerLinearBackward(ctx, layer, 'v_proj', dv, c.h, grads));
  return add(dx1, normBackward(ctx, layer, 'input', dh, c.x));
}

/**
 * One decoder layer of the oracle on its own, the reference of the block training graphs:
 * forward y and, given dy, the backward dx and the gradients of the adapter's modules.
 * @param x (T, C) the layer's input, one sequence at positions 0 … T − 1
 * @param rope cos, sin (T, D/2) of those positions for this layer
 * @param dy (T, C)
 */
export function loraLayerReference(
  config: ModelConfig,
  getWeight: GetWeight,
  adapter: LoraAdapter,
  layer: number,
  x: Float64Array,
  rope: { cos: Float32Array; sin: Float32Array },
  dy: Float64Array,
): { y: Float64Array; dx: Float64Array; grads: Map<string, LoraGrads> } {
  const ropes = Array.from({ length: config.numLayers }, () => rope);
  const ctx = makeContext(config, getWeight, adapter, ropes);
  const { out, cache } = layerForward(ctx, layer, x);
  const grads = new Map<string, LoraGrads>();
  return { y: out, dx: layerBackward(ctx, layer, dy, cache, grads), grads };
}

function checkAdapter(config: ModelConfig, adapter: LoraAdapter): void {
  for (const name of adapter.keys()) {
    const parsed = parseLinearModule(name);
    if (!parsed || parsed.layer >= config.numLayers) {
      throw new RangeError(`loraDecoder: the adapter names "${name}", which is not a layer linear of this model`);
    }
  }
}

/** The head's pre-cap logits and normed input, which the backward reads. */
interface HeadCache {
  hidden: Float64Array; // (T, C) last layer's output
  normed: Float64Array; // (T, C)
  raw: Float64Array; // (T, V) logits before the final soft-cap
}

function decoderForward(ctx: Context, ids: readonly number[]): { logits: Float64Array; caches: LayerCache[]; head: HeadCache } {
  const { hiddenSize: C, vocabSize: V, numLayers, rmsNormEps: eps, finalSoftcap } = ctx.config;
  let x = ctx.embed(ids); // (T, C)
  const caches: LayerCache[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const { out, cache } = layerForward(ctx, layer, x);
    caches.push(cache);
    x = out;
  }
  const normed = rmsNormForward(x, ctx.finalNorm(), eps, C);
  const raw = linearForward(normed, ctx.weight(globalWeightNames(ctx.config).lmHead), undefined, C, V);
  return { logits: finalSoftcap === null ? raw : softcapForward(raw, finalSoftcap), caches, head: { hidden: x, normed, raw } };
}

/**
 * The causal LM forward over `ids` (positions 0 … T − 1) with the adapter applied unmerged.
 * @param ids T token ids
 * @returns logits (T, V)
 */
export function loraDecoderForward(config: ModelConfig, getWeight: GetWeight, adapter: LoraAdapter, ids: readonly number[]): LoraDecoderForward {
  checkAdapter(config, adapter);
  return { logits: decoderForward(makeContext(config, getWeight, adapter, layerRopeTables(config, 0, ids.length)), ids).logits };
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
  const { hiddenSize: C, vocabSize: V, numLayers, rmsNormEps: eps, finalSoftcap } = config;
  const ctx = makeContext(config, getWeight, adapter, layerRopeTables(config, 0, ids.length));
  const { logits, caches, head } = decoderForward(ctx, ids);
  const loss = crossEntropyForward(logits, labels, V);
  let dlogits = crossEntropyBackward(logits, labels, V); // (T, V)
  if (finalSoftcap !== null) dlogits = softcapBackward(dlogits, head.raw, finalSoftcap);
  const dnormed = linearBackward(dlogits, head.normed, ctx.weight(globalWeightNames(config).lmHead), C, V).dx;
  let dx = rmsNormBackward(dnormed, head.hidden, ctx.finalNorm(), eps, C).dx; // (T, C)
  const grads = new Map<string, LoraGrads>();
  for (let layer = numLayers - 1; layer >= 0; layer--) dx = layerBackward(ctx, layer, dx, caches[layer] as LayerCache, grads);
  for (const [name, lora] of adapter) {
    if (!grads.has(name)) grads.set(name, { dA: new Float64Array(lora.A.length), dB: new Float64Array(lora.B.length) });
  }
  return { logits, loss, grads };
}
