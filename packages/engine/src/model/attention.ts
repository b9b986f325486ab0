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
import { attr, makeTensor } from '../onnx/model.js';

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
  const tables = localRopeDiffers(config) ? [ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin, ATTENTION_INPUTS.cosLocal, ATTENTION_INPUTS.sinLocal] : [ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin];
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

function shape(g: GraphBuilder, name: string, dims: readonly number[]): string {
  return g.initializer(name, makeTensor('int64', [dims.length], BigInt64Array.from(dims.map(BigInt))));
}

/** One layer's attention: which layer, and its q/k norm weights (graph names) with `qkNorm`. */
export interface AttentionLayer {
  layer: number;
  qNorm?: string;
  kNorm?: string;
}

/** RMSNorm over the last axis of a (…, D) tensor (q/k norms), `gamma` (D). */
function emitHeadNorm(g: GraphBuilder, config: ModelConfig, x: string, gamma: string): string {
  return g.op('SimplifiedLayerNormalization', [x, gamma], { epsilon: attr.float(config.rmsNormEps), axis: attr.int(-1) });
}

/**
 * One layer's attention.
 * @param qkv (T, (H + 2·Hkv)·D): q, k, v projections side by side, biases added, not rotated
 * @param pastKey, pastValue (1, Hkv, P, D) graph inputs
 * @param present names for the present key/value outputs
 * @returns out (T, H·D) and the names of present key/value (1, Hkv, P + T, D)
 */
export function emitAttention(
  g: GraphBuilder,
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
  if (kind === 'gqa') {
    let packedQkv = qkv;
    if (at.qNorm && at.kNorm) {
      // q/k norms come before RoPE, which GroupQueryAttention applies inside: norm, then repack.
      const sizes = shape(g, `${prefix}.qkv_split`, [H * D, Hkv * D, Hkv * D]);
      const [q, k, v] = g.node('Split', [qkv, sizes], { axis: attr.int(1) }, { outputs: 3 }) as [string, string, string];
      const normed = (x: string, heads: number, gamma: string, tag: string): string =>
        g.op('Reshape', [emitHeadNorm(g, config, g.op('Reshape', [x, shape(g, `${prefix}.${tag}_heads`, [-1, heads, D])]), gamma), shape(g, `${prefix}.${tag}_flat`, [-1, heads * D])]);
      packedQkv = g.op('Concat', [normed(q, H, at.qNorm, 'q'), normed(k, Hkv, at.kNorm, 'k'), v], { axis: attr.int(1) });
    }
    const packed = g.op('Reshape', [packedQkv, shape(g, `${prefix}.qkv_shape`, [1, -1, (H + 2 * Hkv) * D])]); // (1, T, (H+2Hkv)·D)
    const rope = ropeInputsOf(config, at.layer);
    const inputs = [packed, '', '', pastKey, pastValue, ATTENTION_INPUTS.seqlensK, ATTENTION_INPUTS.totalLength, rope.cos, rope.sin];
    const window = windowOf(config, at.layer);
    const [out, presentKey, presentValue] = g.node(
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
    const flat = g.op('Reshape', [out as string, shape(g, `${prefix}.out_shape`, [-1, H * D])]); // (T, H·D)
    return { out: flat, presentKey: presentKey as string, presentValue: presentValue as string };
  }
  return emitComposedAttention(g, config, at, prefix, qkv, pastKey, pastValue, present);
}

/** Rotates (heads, T, D) by the fed cos/sin (T, D/2): x·cos + rotate_half(x)·sin. */
function emitRope(g: GraphBuilder, prefix: string, x: string, D: number, rope: { cos: string; sin: string }): string {
  const half = D / 2;
  const axis = g.initializer(`${prefix}.axis`, makeTensor('int64', [1], BigInt64Array.of(-1n)));
  const at = (v: number, n: string): string => g.initializer(`${prefix}.${n}`, makeTensor('int64', [1], BigInt64Array.of(BigInt(v))));
  const x1 = g.op('Slice', [x, at(0, 'zero'), at(half, 'half'), axis]); // (heads, T, D/2)
  const x2 = g.op('Slice', [x, at(half, 'half2'), at(D, 'end'), axis]);
  const { cos, sin } = rope;
  const r1 = g.op('Sub', [g.op('Mul', [x1, cos]), g.op('Mul', [x2, sin])]);
  const r2 = g.op('Add', [g.op('Mul', [x2, cos]), g.op('Mul', [x1, sin])]);
  return g.op('Concat', [r1, r2], { axis: attr.int(-1) });
}

function emitComposedAttention(
  g: GraphBuilder,
  config: ModelConfig,
  at: AttentionLayer,
  prefix: string,
  qkv: string,
  pastKey: string,
  pastValue: string,
  present: { key: string; value: string },
): { out: string; presentKey: string; presentValue: string } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  const sizes = g.initializer(`${prefix}.qkv_split`, makeTensor('int64', [3], BigInt64Array.of(BigInt(H * D), BigInt(Hkv * D), BigInt(Hkv * D))));
  const [q, k, v] = g.node('Split', [qkv, sizes], { axis: attr.int(1) }, { outputs: 3 }) as [string, string, string];
  const headsFirst = (x: string, heads: number, tag: string, gamma?: string): string => {
    const split = g.op('Reshape', [x, shape(g, `${prefix}.${tag}_heads`, [-1, heads, D])]); // (T, heads, D)
    return g.op('Transpose', [gamma ? emitHeadNorm(g, config, split, gamma) : split], { perm: attr.ints([1, 0, 2]) }); // (heads, T, D)
  };
  const rope = ropeInputsOf(config, at.layer);
  const qRot = emitRope(g, `${prefix}.rope_q`, headsFirst(q, H, 'q', at.qNorm), D, rope); // (H, T, D)
  const kRot = emitRope(g, `${prefix}.rope_k`, headsFirst(k, Hkv, 'k', at.kNorm), D, rope); // (Hkv, T, D)
  const as4d = (x: string, tag: string): string => g.op('Reshape', [x, shape(g, `${prefix}.${tag}_4d`, [1, Hkv, -1, D])]);
  const presentKey = g.op('Concat', [pastKey, as4d(kRot, 'k')], { axis: attr.int(2) }, { output: present.key }); // (1, Hkv, S, D)
  const presentValue = g.op('Concat', [pastValue, as4d(headsFirst(v, Hkv, 'v'), 'v')], { axis: attr.int(2) }, { output: present.value });
  const keys = g.op('Reshape', [presentKey, shape(g, `${prefix}.kv_3d`, [Hkv, -1, D])]); // (Hkv, S, D)
  const values = g.op('Reshape', [presentValue, `${prefix}.kv_3d`]);
  // Query heads kvh·group … kvh·group + group − 1 read kv head kvh: stack them along T.
  const qGrouped = g.op('Reshape', [qRot, shape(g, `${prefix}.q_grouped`, [Hkv, -1, D])]); // (Hkv, group·T, D)
  const scalar = (name: string, value: number): string => g.initializer(`${prefix}.${name}`, makeTensor('float32', [], Float32Array.of(value)));
  let scores = g.op('Mul', [g.op('MatMul', [qGrouped, g.op('Transpose', [keys], { perm: attr.ints([0, 2, 1]) })]), scalar('scale', config.attentionScale)]); // (Hkv, group·T, S)
  if (config.attnSoftcap !== null) scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, scalar('softcap', config.attnSoftcap)])]), `${prefix}.softcap`]);
  const mask = windowOf(config, at.layer) === null ? ATTENTION_INPUTS.mask : ATTENTION_INPUTS.maskSliding;
  const probs = g.op('Softmax', [g.op('Add', [scores, mask])], { axis: attr.int(-1) });
  const mixed = g.op('MatMul', [probs, values]); // (Hkv, group·T, D)
  const byHead = g.op('Reshape', [mixed, shape(g, `${prefix}.mixed_heads`, [H, -1, D])]); // (H, T, D)
  const out = g.op('Reshape', [g.op('Transpose', [byHead], { perm: attr.ints([1, 0, 2]) }), shape(g, `${prefix}.out_shape`, [-1, H * D])]); // (T, H·D)
  return { out, presentKey, presentValue };
}
