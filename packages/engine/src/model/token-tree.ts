/**
 * A token tree: several token sequences that share prefixes, laid out in ONE sequence so one
 * graph run computes them all (batched log-likelihood scoring: an item's prompt once, each
 * choice after it; several items side by side). It is described by `parents`: token t follows
 * token parents[t] (an earlier index) in its sequence, or starts one (−1). From that:
 *
 * - position of t = its depth (a root is position 0), so a choice continues from its prompt's
 *   length whatever sits between them in the layout;
 * - t attends to itself and its ancestors only (the tokens of its own sequence), and on sliding
 *   layers only to those fewer than `window` positions back, as the causal mask does.
 *
 * A tree is the general form of "segments": a prompt with branches is a tree of depth 2, unrelated
 * items are separate roots, and the same code would serve speculative-decoding trees.
 */
import { EngineError } from '../errors.js';
import { makeTensor, type TensorValue } from '../onnx/model.js';
import type { ModelConfig } from './architecture.js';
import { ATTENTION_INPUTS } from './attention.js';
import { ropeTables } from './rope.js';

/** Positions (depths) of a token tree; checks that every parent is an earlier token. */
export function treePositions(parents: readonly number[]): Int32Array {
  const positions = new Int32Array(parents.length);
  parents.forEach((parent, t) => {
    if (!Number.isInteger(parent) || parent < -1 || parent >= t)
      throw new EngineError('INVALID_ARGUMENT', `Token ${t} of the tree has parent ${parent}: a parent must be an earlier token, or −1 for a root.`);
    positions[t] = parent < 0 ? 0 : (positions[parent] as number) + 1;
  });
  return positions;
}

/**
 * The additive attention mask (group·T, T) of a token tree, laid out as `causalMaskBias` lays out
 * its own (row j·T + q is query q for the j-th query head of a kv head): 0 where query q sees
 * key k — k is q or an ancestor of q, and with `window`, fewer than `window` positions back —
 * and −∞ elsewhere.
 */
export function treeMaskBias(parents: readonly number[], positions: Int32Array, group: number, window: number | null): Float32Array {
  const T = parents.length;
  const mask = new Float32Array(group * T * T).fill(-Infinity);
  for (let q = 0; q < T; q++) {
    const row = q * T;
    const oldest = window === null ? -Infinity : (positions[q] as number) - window; // keys at or before it are hidden
    for (let k = q; k >= 0 && (positions[k] as number) > oldest; k = parents[k] as number) mask[row + k] = 0;
  }
  for (let j = 1; j < group; j++) mask.copyWithin(j * T * T, 0, T * T);
  return mask;
}

/** cos/sin rows (T, D/2) of each token's position, taken from tables (≥ max position + 1, D/2). */
export function gatherRopeRows(table: { cos: Float32Array; sin: Float32Array }, positions: Int32Array, half: number): { cos: Float32Array; sin: Float32Array } {
  const T = positions.length;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  positions.forEach((p, t) => {
    cos.set(table.cos.subarray(p * half, (p + 1) * half), t * half);
    sin.set(table.sin.subarray(p * half, (p + 1) * half), t * half);
  });
  return { cos, sin };
}

/**
 * The composed-attention graph's inputs for a token tree: cos/sin rows (T, D/2) of each token's
 * position for every RoPE the layers use (`invFreq.local` when sliding layers rotate otherwise),
 * and the tree masks (group·T, T) of full and sliding layers.
 */
export function treeAttentionInputs(
  config: ModelConfig,
  invFreq: { global: Float32Array; local: Float32Array | null },
  parents: readonly number[],
  positions: Int32Array,
): Record<string, TensorValue> {
  const { numHeads: H, numKvHeads: Hkv, headDim: D, layerTypes, slidingWindow } = config;
  const T = parents.length;
  const half = D / 2;
  const length = positions.reduce((a, b) => Math.max(a, b), 0) + 1;
  const inputs: Record<string, TensorValue> = {};
  const rope = (frequencies: Float32Array, cos: string, sin: string): void => {
    const rows = gatherRopeRows(ropeTables(frequencies, 0, length), positions, half);
    inputs[cos] = makeTensor('float32', [T, half], rows.cos);
    inputs[sin] = makeTensor('float32', [T, half], rows.sin);
  };
  rope(invFreq.global, ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin);
  if (invFreq.local) rope(invFreq.local, ATTENTION_INPUTS.cosLocal, ATTENTION_INPUTS.sinLocal);
  const group = H / Hkv;
  const mask = (window: number | null): TensorValue => makeTensor('float32', [group * T, T], treeMaskBias(parents, positions, group, window));
  if (layerTypes.includes('full')) inputs[ATTENTION_INPUTS.mask] = mask(null);
  if (layerTypes.includes('sliding')) inputs[ATTENTION_INPUTS.maskSliding] = mask(slidingWindow);
  return inputs;
}
