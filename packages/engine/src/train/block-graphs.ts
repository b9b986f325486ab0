/**
 * One Llama-family decoder layer (block) as a pair of ONNX training graphs, built once and run
 * for every layer: the layer's weights are graph inputs (fed without a copy), not initializers.
 *
 * - forward:  x (T, C) → y (T, C), the residual stream after the block.
 * - backward: the forward's inputs + dy (T, C) → dx (T, C) and dA, dB of every adapted linear.
 *   It recomputes the block's activations inside (per-block checkpointing: a training step keeps
 *   only each block's input between the forward and the backward), so its memory is one block's.
 *
 * Everything is composed from standard ONNX ops (attention included: GroupQueryAttention has no
 * backward), written by hand from the float64 reference ops in reference/backward/. Frozen
 * weights get no gradient. An NF4 weight is dequantized in-graph for the backward (BitShift /
 * BitwiseAnd on the packed bytes → Gather on the codebook → × absmax), so dX = dY·W uses exactly
 * the values MatMulBnb4 multiplies by in the forward graph.
 *
 * Layer: h = rms(x)·w1; q, k = rope(h·Wq/kᵀ (+b)); v = h·Wvᵀ (+b); attn = causal GQA;
 * x1 = x + attn·Woᵀ; h2 = rms(x1)·w2; y = x1 + (silu(h2·Wgᵀ) · h2·Wuᵀ)·Wdᵀ. An adapted
 * linear adds s·(x·Aᵀ)·Bᵀ (PEFT layout: A (r, K), B (N, r), s = alpha / r).
 *
 * Dimension letters: T positions, C hidden, H / Hkv query / key-value heads, G = H / Hkv,
 * D head size, I intermediate, r LoRA rank.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import { attr, makeTensor, type Dim } from '../onnx/model.js';
import { NF4_CODEBOOK } from '../quant/index.js';
import { linearShape } from '../model/weight-names.js';

/** The seven linears of a block, in PEFT module-name form. */
export const BLOCK_LINEARS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
/** One of `BLOCK_LINEARS`. */
export type BlockLinear = (typeof BLOCK_LINEARS)[number];

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
  lora: readonly BlockLinear[];
  /** LoRA rank r of every adapted linear. */
  rank: number;
}

/** Names of the block graphs' inputs and outputs. */
export const BLOCK_NAMES = {
  /** (T, C) block input. */
  x: 'x',
  /** (T, D/2) rotary tables of the positions. */
  cos: 'rope_cos',
  sin: 'rope_sin',
  /** (C) RMSNorm weights. */
  inputNorm: 'input_layernorm.weight',
  postNorm: 'post_attention_layernorm.weight',
  /** fp32: (N, K). */
  weight: (l: BlockLinear): string => `${l}.weight`,
  /** nf4: uint8 (N·K/2), high nibble first (bitsandbytes layout). */
  nf4: (l: BlockLinear): string => `${l}.nf4`,
  /** nf4: float32 (N·K / blockSize). */
  absmax: (l: BlockLinear): string => `${l}.absmax`,
  /** (N), q/k/v only, when `qkvBias`. */
  bias: (l: BlockLinear): string => `${l}.bias`,
  /** (r, K) and (N, r). */
  loraA: (l: BlockLinear): string => `${l}.lora_A`,
  loraB: (l: BlockLinear): string => `${l}.lora_B`,
  /** float32 scalar (shape []): s = alpha / r. */
  scaling: 'lora_scaling',
  /** forward output (T, C). */
  y: 'y',
  /** backward input (T, C). */
  dy: 'dy',
  /** backward outputs: (T, C), (r, K), (N, r). */
  dx: 'dx',
  gradA: (l: BlockLinear): string => `${l}.lora_A.grad`,
  gradB: (l: BlockLinear): string => `${l}.lora_B.grad`,
} as const;

/** [N, K] of a block linear. */
export function blockLinearShape(spec: BlockGraphSpec, l: BlockLinear): [number, number] {
  return linearShape(spec, l);
}

/** Every input of the block graphs in order (the backward adds `dy`), with type and dims. */
export function blockInputs(spec: BlockGraphSpec): { name: string; type: 'float32' | 'uint8'; dims: Dim[] }[] {
  const { hiddenSize: C, headDim: D, rank: r } = spec;
  const block = spec.nf4BlockSize ?? 64;
  const out: { name: string; type: 'float32' | 'uint8'; dims: Dim[] }[] = [
    { name: BLOCK_NAMES.x, type: 'float32', dims: ['T', C] },
    { name: BLOCK_NAMES.cos, type: 'float32', dims: ['T', D / 2] },
    { name: BLOCK_NAMES.sin, type: 'float32', dims: ['T', D / 2] },
    { name: BLOCK_NAMES.inputNorm, type: 'float32', dims: [C] },
    { name: BLOCK_NAMES.postNorm, type: 'float32', dims: [C] },
  ];
  for (const l of BLOCK_LINEARS) {
    const [N, K] = blockLinearShape(spec, l);
    if (spec.format === 'fp32') out.push({ name: BLOCK_NAMES.weight(l), type: 'float32', dims: [N, K] });
    else {
      if ((N * K) % block !== 0 || block % 2 !== 0) throw new RangeError(`block graph: ${l} has ${N}×${K} values, not whole NF4 blocks of ${block}`);
      out.push({ name: BLOCK_NAMES.nf4(l), type: 'uint8', dims: [(N * K) / 2] });
      out.push({ name: BLOCK_NAMES.absmax(l), type: 'float32', dims: [(N * K) / block] });
    }
    if (spec.qkvBias && (l === 'q_proj' || l === 'k_proj' || l === 'v_proj')) out.push({ name: BLOCK_NAMES.bias(l), type: 'float32', dims: [N] });
    if (spec.lora.includes(l)) {
      out.push({ name: BLOCK_NAMES.loraA(l), type: 'float32', dims: [r, K] });
      out.push({ name: BLOCK_NAMES.loraB(l), type: 'float32', dims: [N, r] });
    }
  }
  if (spec.lora.length > 0) out.push({ name: BLOCK_NAMES.scaling, type: 'float32', dims: [] });
  return out;
}

function checkSpec(spec: BlockGraphSpec): void {
  const { numHeads: H, numKvHeads: Hkv, headDim: D, rank } = spec;
  if (H % Hkv !== 0 || D % 2 !== 0) throw new RangeError(`block graph: H = ${H}, Hkv = ${Hkv}, D = ${D}`);
  if (spec.lora.length > 0 && !(Number.isInteger(rank) && rank > 0)) throw new RangeError(`block graph: LoRA rank ${rank}`);
  for (const l of spec.lora) if (!BLOCK_LINEARS.includes(l)) throw new RangeError(`block graph: unknown linear ${String(l)}`);
}

/** Small helpers over a GraphBuilder: int64 / float constants made once per value. */
class Ops {
  private readonly consts = new Map<string, string>();
  constructor(readonly g: GraphBuilder) {}

  ints(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.g.initializer(`const.i64.${this.consts.size}`, makeTensor('int64', [values.length], BigInt64Array.from(values.map(BigInt))))));
    return name;
  }

  scalarInt(value: number): string {
    const key = `i64s:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.g.initializer(`const.i64s.${this.consts.size}`, makeTensor('int64', [], BigInt64Array.of(BigInt(value))))));
    return name;
  }

  float(value: number): string {
    const key = `f32:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.g.initializer(`const.f32.${this.consts.size}`, makeTensor('float32', [], Float32Array.of(value)))));
    return name;
  }

  op(type: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
    return this.g.op(type, inputs, attrs);
  }
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: attr.ints(perm) });
  }
  reshape(x: string, dims: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(dims)]);
  }
  /** Sum over `axes`, kept as size-1 dims. */
  sum(x: string, axes: readonly number[]): string {
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims: attr.int(1) });
  }
  mean(x: string, axes: readonly number[]): string {
    return this.op('ReduceMean', [x, this.ints(axes)], { keepdims: attr.int(1) });
  }
  /** a · bᵀ for 2-D a, b. */
  matmulBt(a: string, b: string): string {
    return this.op('Gemm', [a, b], { transB: attr.int(1) });
  }
  /** aᵀ · b for 2-D a, b. */
  matmulAt(a: string, b: string): string {
    return this.op('Gemm', [a, b], { transA: attr.int(1) });
  }
}

/**
 * The float32 weight (N, K) of NF4 bytes, in-graph: BitShift RIGHT 4 (high nibble, the even
 * element) and BitwiseAnd 15 (low nibble) → interleave high first → Cast int64 → Gather on the
 * codebook → × absmax per block. Bit-exact with `dequantizeNf4` and MatMulBnb4's weight.
 * @param packed uint8 (N·K/2)
 * @param absmax float32 (N·K / blockSize)
 */
export function emitNf4Dequant(g: GraphBuilder, packed: string, absmax: string, N: number, K: number, blockSize: number): string {
  return dequantWith(new Ops(g), packed, absmax, N, K, blockSize);
}

function dequantWith(ops: Ops, packed: string, absmax: string, N: number, K: number, blockSize: number): string {
  const four = ops.g.initializer(`${packed}.shift4`, makeTensor('uint8', [1], Uint8Array.of(4)));
  const fifteen = ops.g.initializer(`${packed}.mask15`, makeTensor('uint8', [1], Uint8Array.of(15)));
  const hi = ops.op('BitShift', [packed, four], { direction: attr.string('RIGHT') });
  const lo = ops.op('BitwiseAnd', [packed, fifteen]);
  const pairs = ops.op('Concat', [ops.reshape(hi, [-1, 1]), ops.reshape(lo, [-1, 1])], { axis: attr.int(1) }); // (N·K/2, 2)
  const codes = ops.op('Cast', [ops.reshape(pairs, [-1])], { to: attr.int(7) }); // int64 (N·K)
  const codebook = ops.g.initializer(`${packed}.codebook`, makeTensor('float32', [16], Float32Array.from(NF4_CODEBOOK)));
  const values = ops.op('Gather', [codebook, codes], { axis: attr.int(0) });
  const scaled = ops.mul(ops.reshape(values, [-1, blockSize]), ops.reshape(absmax, [-1, 1])); // (blocks, blockSize)
  return ops.reshape(scaled, [N, K]);
}

/** A graph that only dequantizes one NF4 weight: inputs `nf4`, `absmax`; output `W` (N, K). For checks. */
export function buildNf4DequantGraph(N: number, K: number, blockSize = 64): Uint8Array {
  const g = new GraphBuilder('nf4_dequant');
  const packed = g.input('nf4', 'uint8', [(N * K) / 2]);
  const absmax = g.input('absmax', 'float32', [(N * K) / blockSize]);
  const w = emitNf4Dequant(g, packed, absmax, N, K, blockSize);
  g.output(g.op('Identity', [w], {}, { output: 'W' }), 'float32', [N, K]);
  return g.toModelBytes();
}

/** The values a linear's forward and backward read. */
interface LinearState {
  name: BlockLinear;
  x: string; // (T, K)
  /** s·(x·Aᵀ) (T, r) when adapted. */
  us?: string;
}

/** Emits one block's forward; in backward mode it keeps what the backward reads. */
class BlockEmitter {
  readonly ops: Ops;
  /** Dequantized NF4 weights (backward mode), by linear. */
  private readonly dequant = new Map<BlockLinear, string>();
  readonly linears = new Map<BlockLinear, LinearState>();
  readonly T: string;
  readonly mask: string;
  readonly scale: string;

  constructor(
    readonly g: GraphBuilder,
    readonly spec: BlockGraphSpec,
    /** 'forward': NF4 linears run MatMulBnb4; 'backward': they multiply by the in-graph dequantized W. */
    readonly mode: 'forward' | 'backward',
  ) {
    this.ops = new Ops(g);
    for (const input of blockInputs(spec)) g.input(input.name, input.type, input.dims);
    const o = this.ops;
    // Causal mask (T, T): 0 where key ≤ query, −∞ after.
    this.T = o.op('Gather', [o.op('Shape', [BLOCK_NAMES.x]), o.scalarInt(0)], { axis: attr.int(0) });
    const pos = o.op('Range', [o.scalarInt(0), this.T, o.scalarInt(1)]);
    const future = o.op('Greater', [o.reshape(pos, [1, -1]), o.reshape(pos, [-1, 1])]);
    this.mask = o.op('Where', [future, o.float(-Infinity), o.float(0)]);
    this.scale = o.float(1 / Math.sqrt(spec.headDim));
  }

  /** W (N, K) as float32 (fp32 input, or the NF4 dequantized in-graph). */
  weight(l: BlockLinear): string {
    if (this.spec.format === 'fp32') return BLOCK_NAMES.weight(l);
    let w = this.dequant.get(l);
    if (!w) {
      const [N, K] = blockLinearShape(this.spec, l);
      this.dequant.set(l, (w = dequantWith(this.ops, BLOCK_NAMES.nf4(l), BLOCK_NAMES.absmax(l), N, K, this.spec.nf4BlockSize ?? 64)));
    }
    return w;
  }

  linear(l: BlockLinear, x: string): string {
    const o = this.ops;
    const [N, K] = blockLinearShape(this.spec, l);
    let y: string;
    if (this.spec.format === 'nf4' && this.mode === 'forward') {
      const attrs = { K: attr.int(K), N: attr.int(N), block_size: attr.int(this.spec.nf4BlockSize ?? 64), quant_type: attr.int(1) };
      y = this.g.op('MatMulBnb4', [x, BLOCK_NAMES.nf4(l), BLOCK_NAMES.absmax(l)], attrs, { domain: 'com.microsoft' });
    } else y = o.matmulBt(x, this.weight(l));
    if (this.spec.qkvBias && (l === 'q_proj' || l === 'k_proj' || l === 'v_proj')) y = o.add(y, BLOCK_NAMES.bias(l));
    const state: LinearState = { name: l, x };
    if (this.spec.lora.includes(l)) {
      state.us = o.mul(o.matmulBt(x, BLOCK_NAMES.loraA(l)), BLOCK_NAMES.scaling); // (T, r)
      y = o.op('Gemm', [state.us, BLOCK_NAMES.loraB(l), y], { transB: attr.int(1) }); // us·Bᵀ + y
    }
    this.linears.set(l, state);
    return y;
  }

  /** dx of a linear; an adapted one's dA, dB become graph outputs. */
  linearBackward(l: BlockLinear, dy: string): string {
    const o = this.ops;
    const state = this.linears.get(l);
    if (!state) throw new Error(`unreachable: ${l} has no forward`);
    let dx = o.matmul(dy, this.weight(l)); // dy·W (T, K)
    if (state.us) {
      const [N, K] = blockLinearShape(this.spec, l);
      const r = this.spec.rank;
      const dB = this.g.op('Gemm', [dy, state.us], { transA: attr.int(1) }, { output: BLOCK_NAMES.gradB(l) }); // s·dyᵀ·(x·Aᵀ) (N, r)
      const du = o.mul(o.matmul(dy, BLOCK_NAMES.loraB(l)), BLOCK_NAMES.scaling); // s·dy·B (T, r)
      const dA = this.g.op('Gemm', [du, state.x], { transA: attr.int(1) }, { output: BLOCK_NAMES.gradA(l) }); // (r, K)
      this.g.output(dB, 'float32', [N, r]);
      this.g.output(dA, 'float32', [r, K]);
      dx = o.op('Gemm', [du, BLOCK_NAMES.loraA(l), dx]); // du·A + dy·W
    }
    return dx;
  }

  /** RMSNorm: y = x·rstd·w; returns y and rstd (T, 1). */
  rmsNorm(x: string, w: string): { y: string; rstd: string } {
    const o = this.ops;
    const ms = o.mean(o.mul(x, x), [-1]);
    const rstd = o.op('Reciprocal', [o.op('Sqrt', [o.add(ms, o.float(this.spec.rmsNormEps))])]);
    return { y: o.mul(o.mul(x, rstd), w), rstd };
  }

  /** dx = rstd·(g − x̂·mean(g·x̂)), g = dy·w, x̂ = x·rstd. */
  rmsNormBackward(dy: string, x: string, w: string, rstd: string): string {
    const o = this.ops;
    const gw = o.mul(dy, w);
    const xhat = o.mul(x, rstd);
    return o.mul(o.sub(gw, o.mul(xhat, o.mean(o.mul(gw, xhat), [-1]))), rstd);
  }

  /** Rotates (…, T, D) by cos/sin (T, D/2), `sign` −1 for the inverse (the backward). */
  rope(x: string, sign: 1 | -1): string {
    const o = this.ops;
    const half = this.spec.headDim / 2;
    const axis = o.ints([-1]);
    const x1 = o.op('Slice', [x, o.ints([0]), o.ints([half]), axis]);
    const x2 = o.op('Slice', [x, o.ints([half]), o.ints([this.spec.headDim]), axis]);
    const { cos, sin } = BLOCK_NAMES;
    const r1 = sign === 1 ? o.sub(o.mul(x1, cos), o.mul(x2, sin)) : o.add(o.mul(x1, cos), o.mul(x2, sin));
    const r2 = sign === 1 ? o.add(o.mul(x2, cos), o.mul(x1, sin)) : o.sub(o.mul(x2, cos), o.mul(x1, sin));
    return o.op('Concat', [r1, r2], { axis: attr.int(-1) });
  }
}

/** The recomputed forward's values the backward reads. */
interface ForwardValues {
  y: string;
  h: string;
  rstd1: string;
  q: string; // (Hkv, G, T, D) rotated
  k: string; // (Hkv, 1, T, D) rotated
  v: string; // (Hkv, 1, T, D)
  p: string; // (Hkv, G, T, T)
  x1: string;
  rstd2: string;
  gate: string; // (T, I)
  up: string;
  sig: string; // sigmoid(gate)
  silu: string;
}

function emitForward(e: BlockEmitter): ForwardValues {
  const o = e.ops;
  const { numHeads: H, numKvHeads: Hkv, headDim: D } = e.spec;
  const G = H / Hkv;
  const x = BLOCK_NAMES.x;
  const { y: h, rstd: rstd1 } = e.rmsNorm(x, BLOCK_NAMES.inputNorm);
  // Query head h = kvh·G + g reads kv head kvh: queries (Hkv, G, T, D), keys/values (Hkv, 1, T, D).
  const q = e.rope(o.transpose(o.reshape(e.linear('q_proj', h), [-1, Hkv, G, D]), [1, 2, 0, 3]), 1);
  const k = e.rope(o.transpose(o.reshape(e.linear('k_proj', h), [-1, Hkv, 1, D]), [1, 2, 0, 3]), 1);
  const v = o.transpose(o.reshape(e.linear('v_proj', h), [-1, Hkv, 1, D]), [1, 2, 0, 3]);
  const scores = o.add(o.mul(o.matmul(q, o.transpose(k, [0, 1, 3, 2])), e.scale), e.mask); // (Hkv, G, T, T)
  const p = o.op('Softmax', [scores], { axis: attr.int(-1) });
  const attn = o.reshape(o.transpose(o.matmul(p, v), [2, 0, 1, 3]), [-1, H * D]); // (T, H·D)
  const x1 = o.add(x, e.linear('o_proj', attn));
  const { y: h2, rstd: rstd2 } = e.rmsNorm(x1, BLOCK_NAMES.postNorm);
  const gate = e.linear('gate_proj', h2);
  const up = e.linear('up_proj', h2);
  const sig = o.op('Sigmoid', [gate]);
  const silu = o.mul(gate, sig);
  const y = o.add(x1, e.linear('down_proj', o.mul(silu, up)));
  return { y, h, rstd1, q, k, v, p, x1, rstd2, gate, up, sig, silu };
}

/**
 * The block's forward graph. Inputs: `blockInputs(spec)`; output `y` (T, C). NF4 linears run
 * MatMulBnb4 on the packed bytes (no float32 copy of the weight).
 */
export function buildBlockForwardGraph(spec: BlockGraphSpec): Uint8Array {
  checkSpec(spec);
  const g = new GraphBuilder('block_forward');
  const e = new BlockEmitter(g, spec, 'forward');
  const f = emitForward(e);
  g.output(g.op('Identity', [f.y], {}, { output: BLOCK_NAMES.y }), 'float32', ['T', spec.hiddenSize]);
  return g.toModelBytes();
}

/**
 * The block's backward graph. Inputs: `blockInputs(spec)` and `dy` (T, C). Outputs: `dx` (T, C),
 * and for every adapted linear `NAME.lora_A.grad` (r, K) and `NAME.lora_B.grad` (N, r). The
 * forward is recomputed inside, NF4 weights dequantized once and used by both the recompute and dX.
 */
export function buildBlockBackwardGraph(spec: BlockGraphSpec): Uint8Array {
  checkSpec(spec);
  const g = new GraphBuilder('block_backward');
  const e = new BlockEmitter(g, spec, 'backward');
  const o = e.ops;
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D } = spec;
  const G = H / Hkv;
  const dy = g.input(BLOCK_NAMES.dy, 'float32', ['T', C]);
  const f = emitForward(e);
  // MLP: y = x1 + down(silu(gate)·up).
  const da = e.linearBackward('down_proj', dy); // (T, I)
  const dsilu = o.mul(da, f.up);
  // silu'(g) = σ·(1 + g·(1 − σ))
  const dgate = o.mul(dsilu, o.mul(f.sig, o.add(o.float(1), o.mul(f.gate, o.sub(o.float(1), f.sig)))));
  const dup = o.mul(da, f.silu);
  const dh2 = o.add(e.linearBackward('gate_proj', dgate), e.linearBackward('up_proj', dup));
  const dx1 = o.add(dy, e.rmsNormBackward(dh2, f.x1, BLOCK_NAMES.postNorm, f.rstd2));
  // Attention: x1 = x + o(attn).
  const dattn = e.linearBackward('o_proj', dx1); // (T, H·D)
  const dout = o.transpose(o.reshape(dattn, [-1, Hkv, G, D]), [1, 2, 0, 3]); // (Hkv, G, T, D)
  const dv = o.sum(o.matmul(o.transpose(f.p, [0, 1, 3, 2]), dout), [1]); // (Hkv, 1, T, D)
  const dp = o.matmul(dout, o.transpose(f.v, [0, 1, 3, 2])); // (Hkv, G, T, T)
  const dz = o.mul(o.mul(f.p, o.sub(dp, o.sum(o.mul(f.p, dp), [-1]))), e.scale);
  const dq = o.matmul(dz, f.k); // (Hkv, G, T, D)
  const dk = o.sum(o.matmul(o.transpose(dz, [0, 1, 3, 2]), f.q), [1]); // (Hkv, 1, T, D)
  const back = (t: string, heads: number): string => o.reshape(o.transpose(e.rope(t, -1), [2, 0, 1, 3]), [-1, heads * D]);
  const dvFlat = o.reshape(o.transpose(dv, [2, 0, 1, 3]), [-1, Hkv * D]);
  let dh = e.linearBackward('q_proj', back(dq, H));
  dh = o.add(dh, e.linearBackward('k_proj', back(dk, Hkv)));
  dh = o.add(dh, e.linearBackward('v_proj', dvFlat));
  const dx = o.add(dx1, e.rmsNormBackward(dh, BLOCK_NAMES.x, BLOCK_NAMES.inputNorm, f.rstd1));
  g.output(g.op('Identity', [dx], {}, { output: BLOCK_NAMES.dx }), 'float32', ['T', C]);
  return g.toModelBytes();
}
