/**
 * A plain TypeScript forward of a whole causal LM of any family the engine runs (see
 * model/architecture.ts): the oracle every fast path is checked against. Slow on purpose — clear
 * loops, float64 sums — and meant for tiny shapes (tests, the 260K-parameter stories model).
 *
 * Dimension letters: T new positions, S = past + T, C hidden, H / Hkv query / key-value heads,
 * D head size, I intermediate, V vocabulary.
 */
import type { ModelConfig } from '../model/architecture.js';
import { ropeOf, windowOf } from '../model/architecture.js';
import { ropeInvFreq, ropeTables } from '../model/rope.js';
import {
  embedRows,
  globalWeightNames,
  linearHasBias,
  linearModule,
  linearShape,
  readFinalNorm,
  readLayerNorm,
  type GetWeight,
  type LayerLinear,
} from '../model/weight-names.js';
import { causalAttentionForward, gatedMlpForward, linearForward, rmsNormForward, ropeForward, softcapForward } from './decoder-ops.js';

export type { GetWeight } from '../model/weight-names.js';

/** Keys and values of every layer so far: `k[layer]`, `v[layer]` are (S, Hkv, D), already rotated. */
export interface ReferenceKV {
  k: Float32Array[];
  v: Float32Array[];
  /** S, the number of positions held. */
  length: number;
}

/** What `referenceForward` returns. */
export interface ReferenceOutput {
  /** (T, V) */
  logits: Float32Array;
  /** The cache after these T positions (past + new). */
  kv: ReferenceKV;
  /** (T, C): the final hidden states before the last RMSNorm. */
  hidden: Float32Array;
}

function concatRows(a: Float32Array | undefined, b: Float32Array): Float32Array {
  if (!a || a.length === 0) return b;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + (b[i] as number));
}

/** y = x · Wᵀ (+ bias) for one of a layer's linears, reading its weights by name. */
function layerLinear(config: ModelConfig, getWeight: GetWeight, layer: number, linear: LayerLinear, x: Float32Array): Float32Array {
  const [N, K] = linearShape(config, linear);
  const name = linearModule(layer, linear);
  const bias = linearHasBias(config, linear) ? getWeight(`${name}.bias`) : undefined;
  return linearForward(x, getWeight(`${name}.weight`), bias, K, N);
}

/**
 * One decoder layer: x + attn(norm(x)), then + mlp(norm(·)) — with Gemma's sandwich norms,
 * x + norm(attn(norm(x))), then + norm(mlp(norm(·))).
 * @param x (T, C)
 * @param rope cos, sin (T, D/2) of the new positions, for this layer's RoPE
 * @returns the new residual stream (T, C) and this layer's keys and values (S, Hkv, D)
 */
export function decoderLayerForward(
  config: ModelConfig,
  getWeight: GetWeight,
  layer: number,
  x: Float32Array,
  rope: { cos: Float32Array; sin: Float32Array },
  past: { k?: Float32Array | undefined; v?: Float32Array | undefined },
): { x: Float32Array; k: Float32Array; v: Float32Array } {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, rmsNormEps: eps } = config;
  const norm = (value: Float32Array, which: Parameters<typeof readLayerNorm>[3], size = C): Float32Array =>
    rmsNormForward(value, readLayerNorm(config, getWeight, layer, which), eps, size);
  const h = norm(x, 'input'); // (T, C)
  let qProj = layerLinear(config, getWeight, layer, 'q_proj', h); // (T, H·D)
  let kProj = layerLinear(config, getWeight, layer, 'k_proj', h); // (T, Hkv·D)
  if (config.qkNorm) {
    qProj = norm(qProj, 'q', D); // over each head's D values
    kProj = norm(kProj, 'k', D);
  }
  const q = ropeForward(qProj, rope.cos, rope.sin, H, D); // (T, H, D)
  const kNew = ropeForward(kProj, rope.cos, rope.sin, Hkv, D); // (T, Hkv, D)
  const vNew = layerLinear(config, getWeight, layer, 'v_proj', h); // (T, Hkv, D)
  const k = concatRows(past.k, kNew); // (S, Hkv, D)
  const v = concatRows(past.v, vNew);
  const attn = causalAttentionForward(q, k, v, H, Hkv, D, { scale: config.attentionScale, softcap: config.attnSoftcap, window: windowOf(config, layer) }); // (T, H·D)
  const o = layerLinear(config, getWeight, layer, 'o_proj', attn); // (T, C)
  const x1 = add(x, config.sandwichNorms ? norm(o, 'postAttention') : o);
  const h2 = norm(x1, config.sandwichNorms ? 'preFeedforward' : 'postAttention');
  const name = (linear: LayerLinear): string => linearModule(layer, linear);
  const bias = (linear: LayerLinear): Float32Array | undefined => (config.mlpBias ? getWeight(`${name(linear)}.bias`) : undefined);
  const mlp = gatedMlpForward(
    h2,
    {
      gate: getWeight(`${name('gate_proj')}.weight`),
      up: getWeight(`${name('up_proj')}.weight`),
      down: getWeight(`${name('down_proj')}.weight`),
      gateBias: bias('gate_proj'),
      upBias: bias('up_proj'),
      downBias: bias('down_proj'),
    },
    C,
    config.intermediateSize,
    config.activation,
  );
  return { x: add(x1, config.sandwichNorms ? norm(mlp, 'postFeedforward') : mlp), k, v };
}

/** cos/sin (T, D/2) of positions start … start + T − 1 for each layer (layers of one RoPE share tables). */
export function layerRopeTables(config: ModelConfig, start: number, T: number): { cos: Float32Array; sin: Float32Array }[] {
  const byRope = new Map<unknown, { cos: Float32Array; sin: Float32Array }>();
  return Array.from({ length: config.numLayers }, (_, layer) => {
    const rope = ropeOf(config, layer);
    let tables = byRope.get(rope);
    if (!tables) byRope.set(rope, (tables = ropeTables(ropeInvFreq(config.headDim, rope), start, T)));
    return tables;
  });
}

/**
 * The causal LM forward over `ids`, placed after the positions `pastKV` holds.
 * @param ids T token ids
 * @returns logits (T, V), the extended cache, and the final hidden states
 */
export function referenceForward(config: ModelConfig, getWeight: GetWeight, ids: readonly number[], options: { pastKV?: ReferenceKV } = {}): ReferenceOutput {
  const { hiddenSize: C, numLayers, vocabSize: V } = config;
  const past = options.pastKV;
  const start = past?.length ?? 0;
  const names = globalWeightNames(config);
  const ropes = layerRopeTables(config, start, ids.length);
  let x = embedRows(config, getWeight(names.embed), ids, (id) => {
    throw new RangeError(`referenceForward: token id ${id} is outside [0, ${V})`);
  }); // (T, C)
  const kv: ReferenceKV = { k: [], v: [], length: start + ids.length };
  for (let layer = 0; layer < numLayers; layer++) {
    const out = decoderLayerForward(config, getWeight, layer, x, ropes[layer]!, { k: past?.k[layer], v: past?.v[layer] });
    x = out.x;
    kv.k.push(out.k);
    kv.v.push(out.v);
  }
  const normed = rmsNormForward(x, readFinalNorm(config, getWeight), config.rmsNormEps, C);
  const logits = linearForward(normed, getWeight(names.lmHead), undefined, C, V); // (T, V)
  return { logits: config.finalSoftcap === null ? logits : softcapForward(logits, config.finalSoftcap), kv, hidden: x };
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if ((values[offset + i] as number) > (values[offset + best] as number)) best = i;
  return best;
}

/**
 * Greedy decoding with the reference: feeds `prompt`, then `steps` argmax tokens one at a time
 * through the cache. Returns the generated ids (prompt excluded).
 */
export function referenceGreedy(config: ModelConfig, getWeight: GetWeight, prompt: readonly number[], steps: number): number[] {
  const V = config.vocabSize;
  let out = referenceForward(config, getWeight, prompt);
  const generated: number[] = [];
  for (let step = 0; step < steps; step++) {
    const T = out.logits.length / V;
    const next = argmax(out.logits, (T - 1) * V, V);
    generated.push(next);
    if (step + 1 < steps) out = referenceForward(config, getWeight, [next], { pastKV: out.kv });
  }
  return generated;
}
