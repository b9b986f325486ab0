/**
 * One Llama-layout decoder layer (block) as a pair of ONNX training graphs, built once and run
 * for every layer: the layer's weights are graph inputs (fed without a copy), not initializers.
 *
 * - forward:  x (N, C) → y (N, C), the residual stream after the block.
 * - backward: the forward's inputs + dy (N, C) → dx (N, C) and dA, dB of every adapted linear.
 *
 * Rows: a batch of B sequences of T positions is fed flattened, N = B·T rows. `segment_ids`
 * (B, T) says which example each position belongs to: a position attends only to earlier
 * positions of its own segment (block-causal), so packed examples and padding (its own segment
 * id) never see each other. RoPE tables are per row (N, D/2), so positions can restart at 0 for
 * every packed example. With a sliding `window`, row i also sees only rows j > i − window:
 * packed examples are contiguous, so row distance within a segment is position distance. A
 * model whose layers differ (full / sliding, another RoPE) builds one graph pair per kind and
 * feeds each layer its own tables.
 *
 * Activations, two ways (`BlockGraphOptions.saved`):
 * - recompute (default): the backward recomputes the block's forward inside (per-block
 *   checkpointing: a training step keeps only each block's input), so memory is one block's;
 * - saved: the forward also outputs what the backward reads (`savedInputs`), and the backward
 *   takes them as inputs instead of recomputing: ~a quarter less work for ~37 KB per row per
 *   layer at the 135M shape. The trainer chooses by a memory budget.
 *
 * LoRA dropout (PEFT: lora_B(lora_A(dropout(x)))·s, the base path untouched): with
 * `spec.dropout`, every adapted linear takes a uint8 keep-mask (N, K) and the scalar
 * 1 / (1 − p); the caller draws the masks (seeded) and feeds the same ones to both graphs.
 *
 * Everything is composed from standard ONNX ops (attention included: GroupQueryAttention has no
 * backward), written by hand from the float64 reference ops in reference/backward/. Frozen
 * weights get no gradient. NF4 weights: the forward runs MatMulBnb4 on the packed bytes; the
 * backward takes the float32 values the caller dequantized (`backwardSpec`), so dX = dY·W uses
 * exactly the values MatMulBnb4 multiplies by.
 *
 * Layer: h = rms(x)·w1; q, k = rope([rms_D](h·Wq/kᵀ (+b))); v = h·Wvᵀ (+b);
 * attn = softmax([cap·tanh](q·kᵀ·scale / cap) + mask)·v, block-causal GQA (within `window`
 * positions on a sliding layer); o = attn·Woᵀ; then
 * - plain:    x1 = x + o;          h2 = rms(x1)·w2;     y = x1 + m;
 * - sandwich: x1 = x + rms(o)·w2;  h2 = rms(x1)·wPre;   y = x1 + rms(m)·wPost;
 * with m = (act(h2·Wgᵀ) · h2·Wuᵀ)·Wdᵀ, act silu or tanh-GELU. Bracketed steps are per spec:
 * `qkNorm` (RMSNorm over each head's D values, weights (D)), `attnSoftcap`. Norm weights are
 * the effective ones (Gemma's 1 + w added by the caller, see model/weight-names.ts), so the
 * graphs never know of a norm offset. An adapted linear adds s·(x·Aᵀ)·Bᵀ (PEFT layout: A (r, K),
 * B (N, r), s = alpha / r).
 *
 * The spec, input / output names and saved activations are data, in block-spec.ts (re-exported
 * here).
 *
 * Dimension letters: B sequences, T positions, N = B·T rows, C hidden, H / Hkv query / key-value heads, G = H / Hkv,
 * D head size, I intermediate, r LoRA rank.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import { attr } from '../onnx/model.js';
import { GELU_TANH_C, geluTanh, Ops, rmsNorm, rmsNormBackward, ropeRotate, softcap } from '../onnx/ops.js';
import { LAYER_LINEARS, type LayerLinear } from '../model/weight-names.js';
import {
  BLOCK_NAMES,
  blockInputs,
  blockLinearShape,
  checkSpec,
  FROZEN_GROUPS,
  frozenGroupShape,
  savedInputs,
  type BlockGraphOptions,
  type BlockGraphSpec,
  type FrozenGroup,
} from './block-spec.js';

export {
  BLOCK_NAMES,
  blockInputs,
  blockLinearShape,
  FROZEN_GROUPS,
  frozenGroupShape,
  savedBytesPerRow,
  savedInputs,
  type BlockGraphOptions,
  type BlockGraphSpec,
  type FrozenGroup,
} from './block-spec.js';

/** The values a linear's forward and backward read. */
interface LinearState {
  /** The input of the LoRA branch (N, K): x, or x ⊙ keep / (1 − p) with dropout. */
  loraX?: string;
  /** s·(loraX·Aᵀ) (N, r) when adapted. */
  us?: string;
  /** keep-mask × 1/(1 − p) as float (N, K), with dropout. */
  keep?: string;
}

/** The forward's values the backward reads (recomputed or saved). */
interface ForwardValues {
  y: string;
  h: string;
  rstd1: string;
  qPre?: string; // (N, H, D) q_proj's output before the q norm (qkNorm)
  kPre?: string; // (N, Hkv, D)
  rstdQ?: string; // (N, H, 1) (qkNorm)
  rstdK?: string; // (N, Hkv, 1)
  q: string; // (B, Hkv, G, T, D) rotated
  k: string; // (B, Hkv, 1, T, D) rotated
  v: string; // (B, Hkv, 1, T, D)
  p: string; // (B, Hkv, G, T, T)
  capT?: string; // (B, Hkv, G, T, T) tanh(scores / cap) (attnSoftcap)
  attn: string; // (N, H·D)
  o?: string; // (N, C) o_proj's output (sandwich norms)
  rstdO?: string; // (N, 1)
  x1: string;
  rstd2: string;
  h2: string;
  gate: string; // (N, I)
  up: string;
  m?: string; // (N, C) down_proj's output (sandwich norms)
  rstdM?: string; // (N, 1)
}

/** Emits one block's forward and backward ops. */
class BlockEmitter {
  readonly ops: Ops;
  readonly linears = new Map<LayerLinear, LinearState>();
  /** (B, T) as an int64 (2) tensor. */
  readonly bt: string;
  /** Additive attention mask (B, 1, 1, T, T): 0 where allowed, −∞ elsewhere. */
  readonly mask: string;
  readonly scale: string;
  /** cos / sin (N, 1, D/2): broadcast over the heads of a (N, heads, D) tensor. */
  readonly cos: string;
  readonly sin: string;

  constructor(
    readonly g: GraphBuilder,
    readonly spec: BlockGraphSpec,
  ) {
    this.ops = new Ops(g);
    for (const input of blockInputs(spec)) g.input(input.name, input.type, input.dims);
    const o = this.ops;
    const seg = BLOCK_NAMES.segments;
    this.bt = o.op('Shape', [seg]);
    // Block-causal mask: key j is visible from query i when seg[j] = seg[i] and j ≤ i.
    const T = o.op('Gather', [this.bt, o.scalarInt(1)], { axis: attr.int(0) });
    const pos = o.op('Range', [o.scalarInt(0), T, o.scalarInt(1)]);
    const [i, j] = [o.reshape(pos, [-1, 1]), o.reshape(pos, [1, -1])];
    let past = o.op('LessOrEqual', [j, i]); // (T, T) [i, j]: j ≤ i
    // Sliding window: also i − j < window (rows of one segment are consecutive positions).
    if (spec.window != null) past = o.op('And', [past, o.op('Less', [o.sub(i, j), o.scalarInt(spec.window)])]);
    const same = o.op('Equal', [o.op('Unsqueeze', [seg, o.ints([2])]), o.op('Unsqueeze', [seg, o.ints([1])])]); // (B, T, T)
    const allowed = o.op('And', [same, past]);
    this.mask = o.op('Unsqueeze', [o.op('Where', [allowed, o.float(0), o.float(-Infinity)]), o.ints([1, 2])]);
    this.scale = o.float(spec.attentionScale ?? 1 / Math.sqrt(spec.headDim));
    this.cos = o.reshape(BLOCK_NAMES.cos, [-1, 1, spec.headDim / 2]);
    this.sin = o.reshape(BLOCK_NAMES.sin, [-1, 1, spec.headDim / 2]);
  }

  /** Reshape (N, heads·D) rows to (B, T, heads, 1 or G, D) by the batch's own (B, T). */
  toBatch(x: string, a: number, b: number): string {
    const o = this.ops;
    const shape = o.op('Concat', [this.bt, o.ints([a, b, this.spec.headDim])], { axis: attr.int(0) });
    return o.op('Reshape', [x, shape]);
  }

  /** A group's W (N, K) as float32 (fp32 format only). */
  weight(group: FrozenGroup): string {
    if (this.spec.format !== 'fp32') throw new Error('unreachable: NF4 weights have no float32 input');
    return BLOCK_NAMES.weight(group);
  }

  /** The LoRA-branch state of an adapted linear whose input is `x` (with dropout applied). */
  private loraState(l: LayerLinear, x: string): LinearState {
    const o = this.ops;
    if (!this.spec.dropout) return { loraX: x };
    const keep = o.mul(o.op('Cast', [BLOCK_NAMES.dropoutMask(l)], { to: attr.int(1) }), BLOCK_NAMES.dropoutScale);
    return { loraX: o.mul(x, keep), keep };
  }

  /**
   * The linears of a frozen group on their shared input `x`: one matmul by the group's weight
   * (+ bias), split into the members' outputs, each plus its LoRA branch when adapted.
   */
  group(group: FrozenGroup, x: string): string[] {
    const o = this.ops;
    const members = FROZEN_GROUPS.find((g) => g.name === group)!.linears;
    const [N, K] = frozenGroupShape(this.spec, group);
    let y: string;
    if (this.spec.format === 'nf4') {
      const attrs = { K: attr.int(K), N: attr.int(N), block_size: attr.int(this.spec.nf4BlockSize ?? 64), quant_type: attr.int(1) };
      y = this.g.op('MatMulBnb4', [x, BLOCK_NAMES.nf4(group), BLOCK_NAMES.absmax(group)], attrs, { domain: 'com.microsoft' });
    } else y = o.matmulBt(x, this.weight(group));
    if (this.spec.qkvBias && group === 'qkv') y = o.add(y, BLOCK_NAMES.bias(group));
    const parts =
      members.length === 1
        ? [y]
        : this.g.node('Split', [y, o.ints(members.map((l) => blockLinearShape(this.spec, l)[0]))], { axis: attr.int(1) }, { outputs: members.length });
    return members.map((l, i) => {
      const frozen = parts[i]!;
      if (!this.spec.lora.includes(l)) return frozen;
      const state = this.loraState(l, x);
      state.us = o.mul(o.matmulBt(state.loraX!, BLOCK_NAMES.loraA(l)), BLOCK_NAMES.scaling); // (N, r)
      this.linears.set(l, state);
      return o.op('Gemm', [state.us, BLOCK_NAMES.loraB(l), frozen], { transB: attr.int(1) }); // us·Bᵀ + y
    });
  }

  /** Registers a saved-mode linear: its input `x` and saved `us`. */
  savedLinear(l: LayerLinear, x: string, us: string): void {
    this.linears.set(l, { ...this.loraState(l, x), us });
  }

  /**
   * dx of a frozen group given its members' output gradients (in member order): one matmul of
   * the gradients side by side by the group's weight, plus each adapted member's LoRA part
   * (whose dA, dB become graph outputs).
   */
  groupBackward(group: FrozenGroup, dys: readonly string[]): string {
    const o = this.ops;
    const members = FROZEN_GROUPS.find((g) => g.name === group)!.linears;
    const dyAll = dys.length === 1 ? dys[0]! : o.op('Concat', [...dys], { axis: attr.int(1) });
    let dx = o.matmul(dyAll, this.weight(group)); // [dy_1 … dy_m]·[W_1; …; W_m] (N, K)
    members.forEach((l, i) => {
      const state = this.linears.get(l);
      if (!state?.us) return;
      const dy = dys[i]!;
      const [N, K] = blockLinearShape(this.spec, l);
      const r = this.spec.rank;
      const dB = this.g.op('Gemm', [dy, state.us], { transA: attr.int(1) }, { output: BLOCK_NAMES.gradB(l) }); // s·dyᵀ·(x·Aᵀ) (N, r)
      const du = o.mul(o.matmul(dy, BLOCK_NAMES.loraB(l)), BLOCK_NAMES.scaling); // s·dy·B (N, r)
      const dA = this.g.op('Gemm', [du, state.loraX!], { transA: attr.int(1) }, { output: BLOCK_NAMES.gradA(l) }); // (r, K)
      this.g.output(dB, 'float32', [N, r]);
      this.g.output(dA, 'float32', [r, K]);
      dx = state.keep ? o.add(dx, o.mul(o.matmul(du, BLOCK_NAMES.loraA(l)), state.keep)) : o.op('Gemm', [du, BLOCK_NAMES.loraA(l), dx]); // du·A (⊙ keep) + dx
    });
    return dx;
  }

  /** RMSNorm: y = x·rstd·w; returns y and rstd (N, 1). */
  rmsNorm(x: string, w: string): { y: string; rstd: string } {
    return rmsNorm(this.ops, x, w, this.spec.rmsNormEps);
  }

  /** dx = rstd·(g − x̂·mean(g·x̂)), g = dy·w, x̂ = x·rstd. */
  rmsNormBackward(dy: string, x: string, w: string, rstd: string): string {
    return rmsNormBackward(this.ops, dy, x, w, rstd);
  }

  /** Rotates (N, heads, D) by each row's cos/sin, `sign` −1 for the inverse (the backward). */
  rope(x: string, sign: 1 | -1): string {
    return ropeRotate(this.ops, x, this.cos, this.sin, this.spec.headDim, sign);
  }

  /** The MLP's input to down_proj: act(gate)·up (N, I). */
  mlpHidden(gate: string, up: string): string {
    const o = this.ops;
    const act = this.spec.activation === 'gelu_tanh' ? geluTanh(o, gate).y : o.mul(gate, o.op('Sigmoid', [gate]));
    return o.mul(act, up);
  }

  /** act(gate) and act′(gate) (N, I). */
  activationAndDerivative(gate: string): { act: string; dact: string } {
    const o = this.ops;
    if (this.spec.activation === 'gelu_tanh') {
      // gelu′(g) = 0.5·(1 + t) + 0.5·g·(1 − t²)·c·(1 + 3·0.044715·g²), t = tanh(c·(g + 0.044715·g³))
      const { y, t } = geluTanh(o, gate);
      const one = o.float(1);
      const inner = o.mul(o.float(0.5 * GELU_TANH_C), o.add(one, o.mul(o.float(3 * 0.044715), o.mul(gate, gate))));
      const dact = o.add(o.mul(o.float(0.5), o.add(one, t)), o.mul(o.mul(gate, o.sub(one, o.mul(t, t))), inner));
      return { act: y, dact };
    }
    // silu′(g) = σ·(1 + g·(1 − σ))
    const sig = o.op('Sigmoid', [gate]);
    return { act: o.mul(gate, sig), dact: o.mul(sig, o.add(o.float(1), o.mul(gate, o.sub(o.float(1), sig)))) };
  }

  /** tanh(q·kᵀ·scale / cap) (B, Hkv, G, T, T), recomputed from the saved q and k. */
  capTanh(q: string, k: string): string {
    const o = this.ops;
    const scores = o.mul(o.matmul(q, o.transpose(k, [0, 1, 2, 4, 3])), this.scale);
    return softcap(o, scores, this.spec.attnSoftcap!).t;
  }
}

function emitForward(e: BlockEmitter): ForwardValues {
  const o = e.ops;
  const { numHeads: H, numKvHeads: Hkv, headDim: D, qkNorm, sandwichNorms, attnSoftcap } = e.spec;
  const G = H / Hkv;
  const x = BLOCK_NAMES.x;
  const { y: h, rstd: rstd1 } = e.rmsNorm(x, BLOCK_NAMES.inputNorm);
  // Query head h = kvh·G + g reads kv head kvh: queries (B, Hkv, G, T, D), keys/values (B, Hkv, 1, T, D).
  const heads = [0, 2, 3, 1, 4];
  const [qOut, kOut, vOut] = e.group('qkv', h);
  const qPre = o.reshape(qOut!, [-1, H, D]);
  const kPre = o.reshape(kOut!, [-1, Hkv, D]);
  const qn = qkNorm ? e.rmsNorm(qPre, BLOCK_NAMES.qNorm) : undefined;
  const kn = qkNorm ? e.rmsNorm(kPre, BLOCK_NAMES.kNorm) : undefined;
  const q = o.transpose(e.toBatch(e.rope(qn?.y ?? qPre, 1), Hkv, G), heads);
  const k = o.transpose(e.toBatch(e.rope(kn?.y ?? kPre, 1), Hkv, 1), heads);
  const v = o.transpose(e.toBatch(vOut!, Hkv, 1), heads);
  let scores = o.mul(o.matmul(q, o.transpose(k, [0, 1, 2, 4, 3])), e.scale); // (B, Hkv, G, T, T)
  let capT: string | undefined;
  if (attnSoftcap != null) ({ y: scores, t: capT } = softcap(o, scores, attnSoftcap));
  const p = o.op('Softmax', [o.add(scores, e.mask)], { axis: attr.int(-1) });
  const attn = o.reshape(o.transpose(o.matmul(p, v), ROWS), [-1, H * D]); // (N, H·D)
  const oOut = e.group('o', attn)[0]!;
  const on = sandwichNorms ? e.rmsNorm(oOut, BLOCK_NAMES.postNorm) : undefined;
  const x1 = o.add(x, on?.y ?? oOut);
  const { y: h2, rstd: rstd2 } = e.rmsNorm(x1, sandwichNorms ? BLOCK_NAMES.preFeedforwardNorm : BLOCK_NAMES.postNorm);
  const [gate, up] = e.group('gate_up', h2) as [string, string];
  const m = e.group('down', e.mlpHidden(gate, up))[0]!;
  const mn = sandwichNorms ? e.rmsNorm(m, BLOCK_NAMES.postFeedforwardNorm) : undefined;
  const y = o.add(x1, mn?.y ?? m);
  return {
    y,
    h,
    rstd1,
    ...(qkNorm ? { qPre, kPre, rstdQ: qn!.rstd, rstdK: kn!.rstd } : {}),
    q,
    k,
    v,
    p,
    ...(capT ? { capT } : {}),
    attn,
    ...(sandwichNorms ? { o: oOut, rstdO: on!.rstd, m, rstdM: mn!.rstd } : {}),
    x1,
    rstd2,
    h2,
    gate,
    up,
  };
}

/** (B, heads, 1 or G, T, D) → (B, T, heads, 1 or G, D): back to row order. */
const ROWS = [0, 3, 1, 2, 4];

/**
 * The block's forward graph. Inputs: `blockInputs(spec)`; output `y` (N, C), and with
 * `options.saved` every `savedInputs(spec)` value. NF4 linears run MatMulBnb4 on the packed
 * bytes (no float32 copy of the weight).
 */
export function buildBlockForwardGraph(spec: BlockGraphSpec, options: BlockGraphOptions = {}): Uint8Array {
  checkSpec(spec);
  const g = new GraphBuilder(options.saved ? 'block_forward_saving' : 'block_forward');
  const e = new BlockEmitter(g, spec);
  const f = emitForward(e);
  g.output(g.op('Identity', [f.y], {}, { output: BLOCK_NAMES.y }), 'float32', ['N', spec.hiddenSize]);
  if (options.saved) {
    const values: Record<string, string> = { ...f };
    for (const l of spec.lora) values[`${l}.us`] = e.linears.get(l)!.us!;
    for (const s of savedInputs(spec)) g.output(g.op('Identity', [values[s.key]!], {}, { output: s.name }), 'float32', s.dims);
  }
  return g.toModelBytes();
}

/** The saved-mode backward's forward values, read from its inputs (only the cheap ones recomputed). */
function readSaved(e: BlockEmitter): ForwardValues {
  const v: Record<string, string> = {};
  for (const s of savedInputs(e.spec)) v[s.key] = e.g.input(s.name, 'float32', s.dims);
  const lora = new Set<string>(e.spec.lora);
  const a = e.mlpHidden(v.gate!, v.up!);
  const inputs: Record<LayerLinear, string> = { q_proj: v.h!, k_proj: v.h!, v_proj: v.h!, o_proj: v.attn!, gate_proj: v.h2!, up_proj: v.h2!, down_proj: a };
  for (const l of LAYER_LINEARS) if (lora.has(l)) e.savedLinear(l, inputs[l], v[`${l}.us`]!);
  // Cheap to recompute, not saved: the q/k norms' rstd and the soft-cap's tanh.
  if (e.spec.qkNorm) {
    v.rstdQ = e.rmsNorm(v.qPre!, BLOCK_NAMES.qNorm).rstd;
    v.rstdK = e.rmsNorm(v.kPre!, BLOCK_NAMES.kNorm).rstd;
  }
  if (e.spec.attnSoftcap != null) v.capT = e.capTanh(v.q!, v.k!);
  return { y: '', ...(v as Omit<ForwardValues, 'y'>) };
}

/**
 * The spec of a backward graph: always float32 weights. For NF4 the caller feeds the dequantized
 * values (`dequantizeNf4Into`), exactly those MatMulBnb4 multiplies by in the forward, so the
 * recompute and dX = dY·W see the same weight. Dequantizing in JS (~5 ms per 135M layer) is
 * ~5× faster than in-graph (Cast → Gather on a byte → pair table → Mul by absmax, ~25 ms).
 */
export function backwardSpec(spec: BlockGraphSpec): BlockGraphSpec {
  return { ...spec, format: 'fp32' };
}

/**
 * The block's backward graph. Inputs: `blockInputs(backwardSpec(spec))`, `dy` (N, C) and with
 * `options.saved` the saved activations. Outputs: `dx` (N, C), and for every adapted linear
 * `NAME.lora_A.grad` (r, K) and `NAME.lora_B.grad` (N, r). Without saved activations the forward
 * is recomputed inside.
 */
export function buildBlockBackwardGraph(spec: BlockGraphSpec, options: BlockGraphOptions = {}): Uint8Array {
  checkSpec(spec);
  spec = backwardSpec(spec);
  const g = new GraphBuilder(options.saved ? 'block_backward_saved' : 'block_backward');
  const e = new BlockEmitter(g, spec);
  const o = e.ops;
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D } = spec;
  const G = H / Hkv;
  const dy = g.input(BLOCK_NAMES.dy, 'float32', ['N', C]);
  const f = options.saved ? readSaved(e) : emitForward(e);
  // MLP: y = x1 + [rms](down(act(gate)·up)).
  const dm = spec.sandwichNorms ? e.rmsNormBackward(dy, f.m!, BLOCK_NAMES.postFeedforwardNorm, f.rstdM!) : dy;
  const { act, dact } = e.activationAndDerivative(f.gate);
  const da = e.groupBackward('down', [dm]); // (N, I)
  const dgate = o.mul(o.mul(da, f.up), dact);
  const dup = o.mul(da, act);
  const dh2 = e.groupBackward('gate_up', [dgate, dup]);
  const dx1 = o.add(dy, e.rmsNormBackward(dh2, f.x1, spec.sandwichNorms ? BLOCK_NAMES.preFeedforwardNorm : BLOCK_NAMES.postNorm, f.rstd2));
  // Attention: x1 = x + [rms](o(attn)).
  const dO = spec.sandwichNorms ? e.rmsNormBackward(dx1, f.o!, BLOCK_NAMES.postNorm, f.rstdO!) : dx1;
  const dattn = e.groupBackward('o', [dO]); // (N, H·D)
  const dout = o.transpose(e.toBatch(dattn, Hkv, G), [0, 2, 3, 1, 4]); // (B, Hkv, G, T, D)
  const dv = o.sum(o.matmul(o.transpose(f.p, [0, 1, 2, 4, 3]), dout), [2]); // (B, Hkv, 1, T, D)
  const dp = o.matmul(dout, o.transpose(f.v, [0, 1, 2, 4, 3])); // (B, Hkv, G, T, T)
  let dz = o.mul(f.p, o.sub(dp, o.sum(o.mul(f.p, dp), [-1])));
  // d/dz cap·tanh(z / cap) = 1 − tanh²(z / cap)
  if (f.capT) dz = o.mul(dz, o.sub(o.float(1), o.mul(f.capT, f.capT)));
  dz = o.mul(dz, e.scale);
  const dq = o.matmul(dz, f.k); // (B, Hkv, G, T, D)
  const dk = o.sum(o.matmul(o.transpose(dz, [0, 1, 2, 4, 3]), f.q), [2]); // (B, Hkv, 1, T, D)
  // Rows (N, heads, D): rotate back, then through the q/k norm when there is one.
  const back = (t: string, heads: number, norm?: { x: string; w: string; rstd: string }): string => {
    const d = e.rope(o.reshape(o.transpose(t, ROWS), [-1, heads, D]), -1);
    return o.reshape(norm ? e.rmsNormBackward(d, norm.x, norm.w, norm.rstd) : d, [-1, heads * D]);
  };
  const qNorm = spec.qkNorm ? { x: f.qPre!, w: BLOCK_NAMES.qNorm, rstd: f.rstdQ! } : undefined;
  const kNorm = spec.qkNorm ? { x: f.kPre!, w: BLOCK_NAMES.kNorm, rstd: f.rstdK! } : undefined;
  const dvRows = o.reshape(o.transpose(dv, ROWS), [-1, Hkv * D]);
  const dh = e.groupBackward('qkv', [back(dq, H, qNorm), back(dk, Hkv, kNorm), dvRows]);
  const dx = o.add(dx1, e.rmsNormBackward(dh, BLOCK_NAMES.x, BLOCK_NAMES.inputNorm, f.rstd1));
  g.output(g.op('Identity', [dx], {}, { output: BLOCK_NAMES.dx }), 'float32', ['N', C]);
  return g.toModelBytes();
}
