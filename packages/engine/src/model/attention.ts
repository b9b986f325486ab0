/**
 * Causal self-attention with rotary embedding, grouped-query heads and a KV cache, as ONNX
 * nodes. Two implementations with the same contract, both checked against
 * `causalAttentionForward` + `ropeForward`:
 *
 * - `gqa`: one `com.microsoft.GroupQueryAttention` node (rotary, GQA, causal mask, sliding
 *   window, score scale and soft-cap, and the cache append fused). ONNX Runtime's CPU kernel
 *   needs head_size % 16 == 0.
 * - `composed`: standard ops (Split, Slice, Mul, Concat, MatMul, Softmax), for any head size;
 *   cos/sin of the new positions and the additive causal masks are fed from TypeScript.
 *
 * What the family asks for comes from the config (architecture.ts): q/k RMSNorm before RoPE,
 * the score scale and soft-cap, and per layer its window and its RoPE (sliding layers may
 * rotate with another base: their tables are separate inputs).
 *
 * The cache is BNSH: past/present keys and values are (1, Hkv, S, D), keys already rotated.
 * Sliding layers keep every position too (the window is a mask, not a rolling buffer).
 */
import { windowOf, type ModelConfig } from './architecture.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { attr } from '../onnx/model.js';
import { ropeRotate, softcap, type Ops } from '../onnx/ops.js';

/** Which attention implementation a graph uses. */
export type AttentionKind = 'gqa' | 'composed';

/** The one that runs for this config: fused when the CPU kernel accepts the head size. */
export function attentionKindFor(config: ModelConfig): AttentionKind {
  return config.headDim % 16 === 0 ? 'gqa' : 'composed';
}

/** Graph inputs shared by every layer's attention. */
export const ATTENTION_INPUTS = {
  /** gqa: (maxPositions, D/2) float tables for positions 0…; composed: (T, D/2) for the new positions. */
  cos: 'rope_cos',
  sin: 'rope_sin',
  /** The same tables for sliding layers, when their RoPE differs (`localRopeDiffers`). */
  cosLocal: 'rope_cos_local',
  sinLocal: 'rope_sin_local',
  /** gqa: int32 (1) = past + T − 1. */
  seqlensK: 'seqlens_k',
  /** gqa: int32 scalar = past + T. */
  totalLength: 'total_sequence_length',
  /**
   * composed: (group·T, S) additive causal mask, 0 where visible and −∞ after the query's
   * position, repeated for the H/Hkv query heads that share a kv head (row j·T + t is query t).
   */
  mask: 'attention_mask_bias',
  /** composed: the same for sliding layers, −∞ also before the window. */
  maskSliding: 'attention_mask_bias_sliding',
} as const;

/** Whether sliding layers rotate by other tables than full ones (Gemma 3). */
export function localRopeDiffers(config: Pick<ModelConfig, 'rope' | 'localRope' | 'layerTypes'>): boolean {
  return config.layerTypes.includes('sliding') && JSON.stringify(config.localRope) !== JSON.stringify(config.rope);
}

/** The cos/sin inputs a layer reads. */
export function ropeInputsOf(config: ModelConfig, layer: number): { cos: string; sin: string } {
  const local = config.layerTypes[layer] === 'sliding' && localRopeDiffers(config);
  return local ? { cos: ATTENTION_INPUTS.cosLocal, sin: ATTENTION_INPUTS.sinLocal } : { cos: ATTENTION_INPUTS.cos, sin: ATTENTION_INPUTS.sin };
}

/** Declares the shared attention inputs for `kind`. */
export function declareAttentionInputs(g: GraphBuilder, kind: AttentionKind, config: ModelConfig): void {
  const D = config.headDim;
  const rows = kind === 'gqa' ? 'max_positions' : 'T';
  const tables = localRopeDiffers(config)
    ? [ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin, ATTENTION_INPUTS.cosLocal, ATTENTION_INPUTS.sinLocal]
    : [ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin];
  for (const name of tables) g.input(name, 'float32', [rows, D / 2]);
  if (kind === 'gqa') {
    g.input(ATTENTION_INPUTS.seqlensK, 'int32', [1]);
    g.input(ATTENTION_INPUTS.totalLength, 'int32', []);
  } else {
    if (config.layerTypes.includes('full')) g.input(ATTENTION_INPUTS.mask, 'float32', ['group_T', 'S']);
    if (config.layerTypes.includes('sliding')) g.input(ATTENTION_INPUTS.maskSliding, 'float32', ['group_T', 'S']);
  }
}

/**
 * The additive causal mask (group·T, S) of T new positions after `start` cached ones, 0 where
 * a query sees a key and −∞ elsewhere, rows repeated for the `group` query heads sharing a kv
 * head (row j·T + t is query t); with `window`, keys before the window are hidden too.
 */
export function causalMaskBias(T: number, start: number, group: number, window: number | null): Float32Array {
  const S = start + T;
  const mask = new Float32Array(group * T * S);
  for (let j = 0; j < group; j++) {
    for (let t = 0; t < T; t++) {
      const row = (j * T + t) * S;
      mask.fill(-Infinity, row + start + t + 1, row + S);
      if (window !== null) mask.fill(-Infinity, row, row + Math.max(0, start + t + 1 - window));
    }
  }
  return mask;
}

/** One layer's attention: which layer, and its q/k norm weights (graph names) with `qkNorm`. */
export interface AttentionLayer {
  layer: number;
  qNorm?: string;
  kNorm?: string;
}

/** RMSNorm over the last axis of a (…, D) tensor (q/k norms), `gamma` (D), as one fused node. */
function emitHeadNorm(o: Ops, config: ModelConfig, x: string, gamma: string): string {
  return o.op('SimplifiedLayerNormalization', [x, gamma], { epsilon: attr.float(config.rmsNormEps), axis: attr.int(-1) });
}

/**
 * One layer's attention.
 * @param qkv (T, (H + 2·Hkv)·D): q, k, v projections side by side, biases added, not rotated
 * @param pastKey, pastValue (1, Hkv, P, D) graph inputs
 * @param present names for the present key/value outputs
 * @returns out (T, H·D) and the names of present key/value (1, Hkv, P + T, D)
 */
export function emitAttention(
  o: Ops,
  kind: AttentionKind,
  config: ModelConfig,
  at: AttentionLayer,
  prefix: string,
  qkv: string,
  pastKey: string,
  pastValue: string,
  present: { key: string; value: string },
): { out: string; presentKey: string; presentValue: string } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  if (kind !== 'gqa') return emitComposedAttention(o, config, at, qkv, pastKey, pastValue, present);
  let packedQkv = qkv;
  if (at.qNorm && at.kNorm) {
    // q/k norms come before RoPE, which GroupQueryAttention applies inside: norm, then repack.
    const [q, k, v] = o.g.node('Split', [qkv, o.ints([H * D, Hkv * D, Hkv * D])], { axis: attr.int(1) }, { outputs: 3 }) as [string, string, string];
    const normed = (x: string, heads: number, gamma: string): string =>
      o.reshape(emitHeadNorm(o, config, o.reshape(x, [-1, heads, D]), gamma), [-1, heads * D]);
    packedQkv = o.op('Concat', [normed(q, H, at.qNorm), normed(k, Hkv, at.kNorm), v], { axis: attr.int(1) });
  }
  const packed = o.reshape(packedQkv, [1, -1, (H + 2 * Hkv) * D]); // (1, T, (H+2Hkv)·D)
  const rope = ropeInputsOf(config, at.layer);
  const inputs = [packed, '', '', pastKey, pastValue, ATTENTION_INPUTS.seqlensK, ATTENTION_INPUTS.totalLength, rope.cos, rope.sin];
  const window = windowOf(config, at.layer);
  const [out, presentKey, presentValue] = o.g.node(
    'GroupQueryAttention',
    inputs,
    {
      num_heads: attr.int(H),
      kv_num_heads: attr.int(Hkv),
      do_rotary: attr.int(1),
      rotary_interleaved: attr.int(0),
      scale: attr.float(config.attentionScale),
      // Same meaning as transformers' sliding_window (the query itself counts): checked
      // against the reference past the window in test/model-families.test.ts.
      ...(window !== null ? { local_window_size: attr.int(window) } : {}),
      ...(config.attnSoftcap !== null ? { softcap: attr.float(config.attnSoftcap) } : {}),
    },
    { domain: 'com.microsoft', outputs: [`${prefix}.attn`, present.key, present.value] },
  );
  return { out: o.reshape(out as string, [-1, H * D]), presentKey: presentKey as string, presentValue: presentValue as string }; // out (T, H·D)
}

function emitComposedAttention(
  o: Ops,
  config: ModelConfig,
  at: AttentionLayer,
  qkv: string,
  pastKey: string,
  pastValue: string,
  present: { key: string; value: string },
): { out: string; presentKey: string; presentValue: string } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  const [q, k, v] = o.g.node('Split', [qkv, o.ints([H * D, Hkv * D, Hkv * D])], { axis: attr.int(1) }, { outputs: 3 }) as [string, string, string];
  const headsFirst = (x: string, heads: number, gamma?: string): string => {
    const split = o.reshape(x, [-1, heads, D]); // (T, heads, D)
    return o.transpose(gamma ? emitHeadNorm(o, config, split, gamma) : split, [1, 0, 2]); // (heads, T, D)
  };
  const rope = ropeInputsOf(config, at.layer);
  const qRot = ropeRotate(o, headsFirst(q, H, at.qNorm), rope.cos, rope.sin, D); // (H, T, D)
  const kRot = ropeRotate(o, headsFirst(k, Hkv, at.kNorm), rope.cos, rope.sin, D); // (Hkv, T, D)
  const presentKey = o.op('Concat', [pastKey, o.reshape(kRot, [1, Hkv, -1, D])], { axis: attr.int(2) }, { output: present.key }); // (1, Hkv, S, D)
  const presentValue = o.op('Concat', [pastValue, o.reshape(headsFirst(v, Hkv), [1, Hkv, -1, D])], { axis: attr.int(2) }, { output: present.value });
  const keys = o.reshape(presentKey, [Hkv, -1, D]); // (Hkv, S, D)
  const values = o.reshape(presentValue, [Hkv, -1, D]);
  // Query heads kvh·group … kvh·group + group − 1 read kv head kvh: stack them along T.
  const qGrouped = o.reshape(qRot, [Hkv, -1, D]); // (Hkv, group·T, D)
  let scores = o.mul(o.matmul(qGrouped, o.transpose(keys, [0, 2, 1])), o.float(config.attentionScale)); // (Hkv, group·T, S)
  if (config.attnSoftcap !== null) scores = softcap(o, scores, config.attnSoftcap).y;
  const mask = windowOf(config, at.layer) === null ? ATTENTION_INPUTS.mask : ATTENTION_INPUTS.maskSliding;
  const probs = o.op('Softmax', [o.add(scores, mask)], { axis: attr.int(-1) });
  const byHead = o.reshape(o.matmul(probs, values), [H, -1, D]); // (Hkv, group·T, D) → (H, T, D)
  return { out: o.reshape(o.transpose(byHead, [1, 0, 2]), [-1, H * D]), presentKey, presentValue }; // out (T, H·D)
}
