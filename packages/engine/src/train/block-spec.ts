/**
 * What a decoder-block training graph is built for (`BlockGraphSpec`), the names and dims of
 * its inputs and outputs, and the activations its saved mode keeps: the data side of
 * block-graphs.ts, which emits the graphs. Dimension letters as there.
 */
import type { Dim } from '../onnx/model.js';
import type { Activation } from '../model/architecture.js';
import { LAYER_LINEARS, linearShape, type LayerLinear } from '../model/weight-names.js';

/**
 * The frozen linears, multiplied in groups: q/k/v read the same input, as do gate/up, so each
 * group is one matmul over its members' weights stacked by rows (N of the members added up),
 * and its backward one matmul of the members' gradients side by side. Fewer, larger matmuls:
 * ~35% less time in these at 1024 rows, a few % at 256. NF4 blocks never straddle members
 * (each member's N·K is whole blocks), so a group's NF4 bytes are its members' concatenated.
 * LoRA stays per linear.
 */
export const FROZEN_GROUPS = [
  { name: 'qkv', linears: ['q_proj', 'k_proj', 'v_proj'] },
  { name: 'o', linears: ['o_proj'] },
  { name: 'gate_up', linears: ['gate_proj', 'up_proj'] },
  { name: 'down', linears: ['down_proj'] },
] as const satisfies readonly { name: string; linears: readonly LayerLinear[] }[];
/** One of `FROZEN_GROUPS`' names. */
export type FrozenGroup = (typeof FROZEN_GROUPS)[number]['name'];

/** [N, K] of a frozen group: its members' N added up, their shared K. */
export function frozenGroupShape(
  spec: Pick<BlockGraphSpec, 'hiddenSize' | 'intermediateSize' | 'numHeads' | 'numKvHeads' | 'headDim'>,
  group: FrozenGroup,
): [number, number] {
  const members = FROZEN_GROUPS.find((g) => g.name === group)!.linears;
  const shapes = members.map((l) => linearShape(spec, l));
  return [shapes.reduce((n, [N]) => n + N, 0), shapes[0]![1]];
}

/** What a block graph is built for. */
export interface BlockGraphSpec {
  hiddenSize: number; // C
  numHeads: number; // H
  numKvHeads: number; // Hkv
  headDim: number; // D
  intermediateSize: number; // I
  rmsNormEps: number;
  /** Format of the seven frozen linear weights. */
  format: 'fp32' | 'nf4';
  /** NF4 block size (default 64); each weight's N·K must be a multiple of it. */
  nf4BlockSize?: number;
  /** q/k/v biases as inputs (Qwen2). */
  qkvBias: boolean;
  /** The adapted linears (may be empty); each gets A/B inputs and dA/dB outputs. */
  lora: readonly LayerLinear[];
  /** LoRA rank r of every adapted linear. */
  rank: number;
  /** LoRA dropout inputs (keep-masks and scale) on every adapted linear. */
  dropout?: boolean;
  // The family's features (model/architecture.ts); absent: Llama's.
  /** The MLP's gate activation (default silu). */
  activation?: Activation;
  /** RMSNorm over each head's D values of q and k before RoPE, weight inputs q_norm / k_norm (D). */
  qkNorm?: boolean;
  /** Gemma's sandwich norms: post_attention normalizes o, pre/post_feedforward wrap the MLP. */
  sandwichNorms?: boolean;
  /** Scores are q·kᵀ times this (default 1/√D). */
  attentionScale?: number;
  /** Scores become cap·tanh(scores / cap) before the mask (null / absent: none). */
  attnSoftcap?: number | null;
  /** Sliding window: a row sees rows j with i − window < j ≤ i of its segment (null / absent: all j ≤ i). */
  window?: number | null;
}

/** Which variant of a graph pair. */
export interface BlockGraphOptions {
  /** Forward outputs / backward inputs the activations instead of recomputing them. */
  saved?: boolean;
}

/** Names of the block graphs' inputs and outputs. */
export const BLOCK_NAMES = {
  /** (N, C) block input, N = B·T. */
  x: 'x',
  /** (B, T) int64: example id of each position (block-causal attention). */
  segments: 'segment_ids',
  /** (N, D/2) rotary tables of each row's position. */
  cos: 'rope_cos',
  sin: 'rope_sin',
  /** (C) RMSNorm weights (effective: any norm offset already added). */
  inputNorm: 'input_layernorm.weight',
  /** The MLP's input norm, or with sandwich norms the attention output's. */
  postNorm: 'post_attention_layernorm.weight',
  /** (C), with sandwich norms: the MLP's input and output norms. */
  preFeedforwardNorm: 'pre_feedforward_layernorm.weight',
  postFeedforwardNorm: 'post_feedforward_layernorm.weight',
  /** (D), with qkNorm: each head's q / k norm. */
  qNorm: 'self_attn.q_norm.weight',
  kNorm: 'self_attn.k_norm.weight',
  /** A frozen group's weight, fp32: (N, K), the members' rows stacked (see FROZEN_GROUPS). */
  weight: (g: FrozenGroup): string => `${g}.weight`,
  /** nf4: uint8 (N·K/2), high nibble first (bitsandbytes layout). */
  nf4: (g: FrozenGroup): string => `${g}.nf4`,
  /** nf4: float32 (N·K / blockSize). */
  absmax: (g: FrozenGroup): string => `${g}.absmax`,
  /** (N), the qkv group only, when `qkvBias`. */
  bias: (g: FrozenGroup): string => `${g}.bias`,
  /** (r, K) and (N, r). */
  loraA: (l: LayerLinear): string => `${l}.lora_A`,
  loraB: (l: LayerLinear): string => `${l}.lora_B`,
  /** float32 scalar (shape []): s = alpha / r. */
  scaling: 'lora_scaling',
  /** uint8 (N, K): 1 keeps an input value of the LoRA branch, 0 drops it (with `spec.dropout`). */
  dropoutMask: (l: LayerLinear): string => `${l}.lora_dropout_mask`,
  /** float32 scalar: 1 / (1 − p), the scale of kept values (1 when not training). */
  dropoutScale: 'lora_dropout_scale',
  /** A saved activation (forward output / backward input in saved mode). */
  saved: (key: string): string => `saved.${key}`,
  /** forward output (N, C). */
  y: 'y',
  /** backward input (N, C). */
  dy: 'dy',
  /** backward outputs: (N, C), (r, K), (N, r). */
  dx: 'dx',
  gradA: (l: LayerLinear): string => `${l}.lora_A.grad`,
  gradB: (l: LayerLinear): string => `${l}.lora_B.grad`,
} as const;

/** [N, K] of a block linear. */
export function blockLinearShape(spec: BlockGraphSpec, l: LayerLinear): [number, number] {
  return linearShape(spec, l);
}

/** Every input of the block graphs in order (the backward adds `dy`), with type and dims. */
export function blockInputs(spec: BlockGraphSpec): { name: string; type: 'float32' | 'uint8' | 'int64'; dims: Dim[] }[] {
  const { hiddenSize: C, headDim: D, rank: r } = spec;
  const block = spec.nf4BlockSize ?? 64;
  const out: { name: string; type: 'float32' | 'uint8' | 'int64'; dims: Dim[] }[] = [
    { name: BLOCK_NAMES.x, type: 'float32', dims: ['N', C] },
    { name: BLOCK_NAMES.segments, type: 'int64', dims: ['B', 'T'] },
    { name: BLOCK_NAMES.cos, type: 'float32', dims: ['N', D / 2] },
    { name: BLOCK_NAMES.sin, type: 'float32', dims: ['N', D / 2] },
    { name: BLOCK_NAMES.inputNorm, type: 'float32', dims: [C] },
    { name: BLOCK_NAMES.postNorm, type: 'float32', dims: [C] },
  ];
  if (spec.sandwichNorms)
    out.push({ name: BLOCK_NAMES.preFeedforwardNorm, type: 'float32', dims: [C] }, { name: BLOCK_NAMES.postFeedforwardNorm, type: 'float32', dims: [C] });
  if (spec.qkNorm) out.push({ name: BLOCK_NAMES.qNorm, type: 'float32', dims: [D] }, { name: BLOCK_NAMES.kNorm, type: 'float32', dims: [D] });
  for (const { name: group } of FROZEN_GROUPS) {
    const [N, K] = frozenGroupShape(spec, group);
    if (spec.format === 'fp32') out.push({ name: BLOCK_NAMES.weight(group), type: 'float32', dims: [N, K] });
    else {
      for (const l of FROZEN_GROUPS.find((g) => g.name === group)!.linears) {
        const [n, k] = blockLinearShape(spec, l);
        if ((n * k) % block !== 0 || block % 2 !== 0) throw new RangeError(`block graph: ${l} has ${n}×${k} values, not whole NF4 blocks of ${block}`);
      }
      out.push({ name: BLOCK_NAMES.nf4(group), type: 'uint8', dims: [(N * K) / 2] });
      out.push({ name: BLOCK_NAMES.absmax(group), type: 'float32', dims: [(N * K) / block] });
    }
    if (spec.qkvBias && group === 'qkv') out.push({ name: BLOCK_NAMES.bias(group), type: 'float32', dims: [N] });
  }
  for (const l of LAYER_LINEARS) {
    const [N, K] = blockLinearShape(spec, l);
    if (spec.lora.includes(l)) {
      out.push({ name: BLOCK_NAMES.loraA(l), type: 'float32', dims: [r, K] });
      out.push({ name: BLOCK_NAMES.loraB(l), type: 'float32', dims: [N, r] });
      if (spec.dropout) out.push({ name: BLOCK_NAMES.dropoutMask(l), type: 'uint8', dims: ['N', K] });
    }
  }
  if (spec.lora.length > 0) out.push({ name: BLOCK_NAMES.scaling, type: 'float32', dims: [] });
  if (spec.lora.length > 0 && spec.dropout) out.push({ name: BLOCK_NAMES.dropoutScale, type: 'float32', dims: [] });
  return out;
}

/**
 * The activations a saved-mode forward outputs and its backward reads, with their dims. Per row
 * and layer that is 3C + 2I + 2·H·D + 2·Hkv·D + 2 + r per adapted linear, plus H·T for the
 * attention probabilities; with qkNorm (H + Hkv)·D more (q and k before their norms), with
 * sandwich norms 2C + 2 (o_proj's and down_proj's outputs and their rstd). The soft-cap's
 * tanh and the q/k norms' rstd are recomputed from these (cheap next to saving T·T values).
 */
export function savedInputs(spec: BlockGraphSpec): { key: string; name: string; dims: Dim[] }[] {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, intermediateSize: I } = spec;
  const G = H / Hkv;
  const list: [string, Dim[]][] = [
    ['h', ['N', C]],
    ['rstd1', ['N', 1]],
    ['q', ['B', Hkv, G, 'T', D]],
    ['k', ['B', Hkv, 1, 'T', D]],
    ['v', ['B', Hkv, 1, 'T', D]],
    ['p', ['B', Hkv, G, 'T', 'T']],
    ['attn', ['N', H * D]],
    ['x1', ['N', C]],
    ['rstd2', ['N', 1]],
    ['h2', ['N', C]],
    ['gate', ['N', I]],
    ['up', ['N', I]],
    ...spec.lora.map((l): [string, Dim[]] => [`${l}.us`, ['N', spec.rank]]),
  ];
  if (spec.qkNorm) list.push(['qPre', ['N', H, D]], ['kPre', ['N', Hkv, D]]);
  if (spec.sandwichNorms) list.push(['o', ['N', C]], ['rstdO', ['N', 1]], ['m', ['N', C]], ['rstdM', ['N', 1]]);
  return list.map(([key, dims]) => ({ key, name: BLOCK_NAMES.saved(key), dims }));
}

/** Bytes of saved activations per row (one position) of one layer, at sequence length T. */
export function savedBytesPerRow(spec: BlockGraphSpec, T: number): number {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, intermediateSize: I } = spec;
  const qkNorm = spec.qkNorm ? (H + Hkv) * D : 0;
  const sandwich = spec.sandwichNorms ? 2 * C + 2 : 0;
  const floats = 3 * C + 2 * I + 2 * H * D + 2 * Hkv * D + 2 + spec.lora.length * spec.rank + H * T + qkNorm + sandwich;
  return floats * 4;
}

/** Throws a RangeError when the spec cannot be built (heads, rank, linears, window, cap, scale). */
export function checkSpec(spec: BlockGraphSpec): void {
  const { numHeads: H, numKvHeads: Hkv, headDim: D, rank } = spec;
  if (H % Hkv !== 0 || D % 2 !== 0) throw new RangeError(`block graph: H = ${H}, Hkv = ${Hkv}, D = ${D}`);
  if (spec.lora.length > 0 && !(Number.isInteger(rank) && rank > 0)) throw new RangeError(`block graph: LoRA rank ${rank}`);
  for (const l of spec.lora) if (!LAYER_LINEARS.includes(l)) throw new RangeError(`block graph: unknown linear ${String(l)}`);
  const { window, attnSoftcap, attentionScale } = spec;
  if (window != null && !(Number.isInteger(window) && window > 0)) throw new RangeError(`block graph: sliding window ${window}`);
  if (attnSoftcap != null && !(attnSoftcap > 0)) throw new RangeError(`block graph: attention soft-cap ${attnSoftcap}`);
  if (attentionScale !== undefined && !(attentionScale > 0)) throw new RangeError(`block graph: attention scale ${attentionScale}`);
}
