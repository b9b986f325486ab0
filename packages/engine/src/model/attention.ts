/**
 * Causal self-attention with rotary embedding, grouped-query heads and a KV cache, as ONNX
 * nodes. Two implementations with the same contract, both checked against
 * `causalAttentionForward` + `ropeForward`:
 *
 * - `gqa`: one `com.microsoft.GroupQueryAttention` node (rotary, GQA, causal mask and the cache
 *   append fused). ONNX Runtime's CPU kernel needs head_size % 16 == 0.
 * - `composed`: standard ops (Split, Slice, Mul, Concat, MatMul, Softmax), for any head size;
 *   cos/sin of the new positions and the additive causal mask are fed from TypeScript.
 *
 * The cache is BNSH: past/present keys and values are (1, Hkv, S, D), keys already rotated.
 */
import type { ModelConfig } from '../io/config.js';
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
  /** gqa: int32 (1) = past + T − 1. */
  seqlensK: 'seqlens_k',
  /** gqa: int32 scalar = past + T. */
  totalLength: 'total_sequence_length',
  /**
   * composed: (group·T, S) additive causal mask, 0 where visible and −∞ after the query's
   * position, repeated for the H/Hkv query heads that share a kv head (row j·T + t is query t).
   */
  mask: 'attention_mask_bias',
} as const;

/** Declares the shared attention inputs for `kind`. */
export function declareAttentionInputs(g: GraphBuilder, kind: AttentionKind, D: number): void {
  if (kind === 'gqa') {
    g.input(ATTENTION_INPUTS.cos, 'float32', ['max_positions', D / 2]);
    g.input(ATTENTION_INPUTS.sin, 'float32', ['max_positions', D / 2]);
    g.input(ATTENTION_INPUTS.seqlensK, 'int32', [1]);
    g.input(ATTENTION_INPUTS.totalLength, 'int32', []);
  } else {
    g.input(ATTENTION_INPUTS.cos, 'float32', ['T', D / 2]);
    g.input(ATTENTION_INPUTS.sin, 'float32', ['T', D / 2]);
    g.input(ATTENTION_INPUTS.mask, 'float32', ['group_T', 'S']);
  }
}

function shape(g: GraphBuilder, name: string, dims: readonly number[]): string {
  return g.initializer(name, makeTensor('int64', [dims.length], BigInt64Array.from(dims.map(BigInt))));
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
  prefix: string,
  qkv: string,
  pastKey: string,
  pastValue: string,
  present: { key: string; value: string },
): { out: string; presentKey: string; presentValue: string } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  if (kind === 'gqa') {
    const packed = g.op('Reshape', [qkv, shape(g, `${prefix}.qkv_shape`, [1, -1, (H + 2 * Hkv) * D])]); // (1, T, (H+2Hkv)·D)
    const inputs = [packed, '', '', pastKey, pastValue, ATTENTION_INPUTS.seqlensK, ATTENTION_INPUTS.totalLength, ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin];
    const [out, presentKey, presentValue] = g.node(
      'GroupQueryAttention',
      inputs,
      { num_heads: attr.int(H), kv_num_heads: attr.int(Hkv), do_rotary: attr.int(1), rotary_interleaved: attr.int(0) },
      { domain: 'com.microsoft', outputs: [`${prefix}.attn`, present.key, present.value] },
    );
    const flat = g.op('Reshape', [out as string, shape(g, `${prefix}.out_shape`, [-1, H * D])]); // (T, H·D)
    return { out: flat, presentKey: presentKey as string, presentValue: presentValue as string };
  }
  return emitComposedAttention(g, config, prefix, qkv, pastKey, pastValue, present);
}

/** Rotates (heads, T, D) by the fed cos/sin (T, D/2): x·cos + rotate_half(x)·sin. */
function emitRope(g: GraphBuilder, prefix: string, x: string, D: number): string {
  const half = D / 2;
  const axis = g.initializer(`${prefix}.axis`, makeTensor('int64', [1], BigInt64Array.of(-1n)));
  const at = (v: number, n: string): string => g.initializer(`${prefix}.${n}`, makeTensor('int64', [1], BigInt64Array.of(BigInt(v))));
  const x1 = g.op('Slice', [x, at(0, 'zero'), at(half, 'half'), axis]); // (heads, T, D/2)
  const x2 = g.op('Slice', [x, at(half, 'half2'), at(D, 'end'), axis]);
  const { cos, sin } = ATTENTION_INPUTS;
  const r1 = g.op('Sub', [g.op('Mul', [x1, cos]), g.op('Mul', [x2, sin])]);
  const r2 = g.op('Add', [g.op('Mul', [x2, cos]), g.op('Mul', [x1, sin])]);
  return g.op('Concat', [r1, r2], { axis: attr.int(-1) });
}

function emitComposedAttention(
  g: GraphBuilder,
  config: ModelConfig,
  prefix: string,
  qkv: string,
  pastKey: string,
  pastValue: string,
  present: { key: string; value: string },
): { out: string; presentKey: string; presentValue: string } {
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = config;
  const sizes = g.initializer(`${prefix}.qkv_split`, makeTensor('int64', [3], BigInt64Array.of(BigInt(H * D), BigInt(Hkv * D), BigInt(Hkv * D))));
  const [q, k, v] = g.node('Split', [qkv, sizes], { axis: attr.int(1) }, { outputs: 3 }) as [string, string, string];
  const headsFirst = (x: string, heads: number, tag: string): string =>
    g.op('Transpose', [g.op('Reshape', [x, shape(g, `${prefix}.${tag}_heads`, [-1, heads, D])])], { perm: attr.ints([1, 0, 2]) }); // (heads, T, D)
  const qRot = emitRope(g, `${prefix}.rope_q`, headsFirst(q, H, 'q'), D); // (H, T, D)
  const kRot = emitRope(g, `${prefix}.rope_k`, headsFirst(k, Hkv, 'k'), D); // (Hkv, T, D)
  const as4d = (x: string, tag: string): string => g.op('Reshape', [x, shape(g, `${prefix}.${tag}_4d`, [1, Hkv, -1, D])]);
  const presentKey = g.op('Concat', [pastKey, as4d(kRot, 'k')], { axis: attr.int(2) }, { output: present.key }); // (1, Hkv, S, D)
  const presentValue = g.op('Concat', [pastValue, as4d(headsFirst(v, Hkv, 'v'), 'v')], { axis: attr.int(2) }, { output: present.value });
  const keys = g.op('Reshape', [presentKey, shape(g, `${prefix}.kv_3d`, [Hkv, -1, D])]); // (Hkv, S, D)
  const values = g.op('Reshape', [presentValue, `${prefix}.kv_3d`]);
  // Query heads kvh·group … kvh·group + group − 1 read kv head kvh: stack them along T.
  const qGrouped = g.op('Reshape', [qRot, shape(g, `${prefix}.q_grouped`, [Hkv, -1, D])]); // (Hkv, group·T, D)
  const scale = g.initializer(`${prefix}.scale`, makeTensor('float32', [], Float32Array.of(1 / Math.sqrt(D))));
  const scores = g.op('Mul', [g.op('MatMul', [qGrouped, g.op('Transpose', [keys], { perm: attr.ints([0, 2, 1]) })]), scale]); // (Hkv, group·T, S)
  const probs = g.op('Softmax', [g.op('Add', [scores, ATTENTION_INPUTS.mask])], { axis: attr.int(-1) });
  const mixed = g.op('MatMul', [probs, values]); // (Hkv, group·T, D)
  const byHead = g.op('Reshape', [mixed, shape(g, `${prefix}.mixed_heads`, [H, -1, D])]); // (H, T, D)
  const out = g.op('Reshape', [g.op('Transpose', [byHead], { perm: attr.ints([1, 0, 2]) }), shape(g, `${prefix}.out_shape`, [-1, H * D])]); // (T, H·D)
  return { out, presentKey, presentValue };
}
