/**
 * The decoder-block training graphs (src/train/block-graphs.ts) against the float64 reference ops
 * of src/reference/backward: forward y, backward dx and every LoRA dA / dB, for fp32 and NF4
 * weights, Llama (GQA) and Qwen2 (q/k/v biases) shapes, and one graph pair reused for two layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type OrtSession } from '../src/runtime/session.js';
import { dequantizeNf4, quantizeNf4, type Nf4Tensor } from '../src/quant/index.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { causalAttentionBackward, causalAttentionForward, ropeBackward, ropeForward } from '../src/reference/backward/attention.js';
import { linearBackward, linearForward, loraLinearBackward, loraLinearForward, type LoraParams } from '../src/reference/backward/linear.js';
import { rmsNormBackward, rmsNormForward, siluBackward, siluForward } from '../src/reference/backward/norm-mlp.js';
import {
  BLOCK_LINEARS,
  BLOCK_NAMES,
  blockInputs,
  blockLinearShape,
  buildBlockBackwardGraph,
  buildBlockForwardGraph,
  buildNf4DequantGraph,
  type BlockGraphSpec,
  type BlockLinear,
} from '../src/train/block-graphs.js';
import { randomUniform, seededRng, type Rng } from '../src/util/random.js';
import { runModel, runSession, type Feeds } from './helpers.js';

const FORWARD_TOLERANCE = 1e-4;
const BACKWARD_TOLERANCE = 1e-3;

const LLAMA: Omit<BlockGraphSpec, 'format'> = {
  hiddenSize: 32,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  intermediateSize: 48,
  rmsNormEps: 1e-5,
  qkvBias: false,
  lora: BLOCK_LINEARS,
  rank: 2,
};
const QWEN2: Omit<BlockGraphSpec, 'format'> = {
  hiddenSize: 24,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  intermediateSize: 40,
  rmsNormEps: 1e-6,
  qkvBias: true,
  lora: ['q_proj', 'v_proj', 'o_proj', 'down_proj'],
  rank: 2,
};

/** One layer's weights: float32 values (NF4 ones already dequantized) and the NF4 tensors. */
interface Layer {
  inputNorm: Float32Array;
  postNorm: Float32Array;
  w: Map<BlockLinear, Float32Array>; // (N, K) the values the graph multiplies by
  nf4: Map<BlockLinear, Nf4Tensor>;
  bias: Map<BlockLinear, Float32Array>;
  A: Map<BlockLinear, Float32Array>;
  B: Map<BlockLinear, Float32Array>;
  scaling: number;
}

function makeLayer(spec: BlockGraphSpec, rng: Rng): Layer {
  const C = spec.hiddenSize;
  const layer: Layer = {
    inputNorm: randomUniform(C, rng, 0.5, 1.5),
    postNorm: randomUniform(C, rng, 0.5, 1.5),
    w: new Map(),
    nf4: new Map(),
    bias: new Map(),
    A: new Map(),
    B: new Map(),
    scaling: 2,
  };
  for (const l of BLOCK_LINEARS) {
    const [N, K] = blockLinearShape(spec, l);
    const raw = randomUniform(N * K, rng, -1 / Math.sqrt(K), 1 / Math.sqrt(K));
    if (spec.format === 'nf4') {
      const t = quantizeNf4(raw, spec.nf4BlockSize ?? 64);
      layer.nf4.set(l, t);
      layer.w.set(l, dequantizeNf4(t));
    } else layer.w.set(l, raw);
    if (spec.qkvBias && (l === 'q_proj' || l === 'k_proj' || l === 'v_proj')) layer.bias.set(l, randomUniform(N, rng, -0.5, 0.5));
    if (spec.lora.includes(l)) {
      layer.A.set(l, randomUniform(spec.rank * K, rng, -1 / Math.sqrt(K), 1 / Math.sqrt(K)));
      layer.B.set(l, randomUniform(N * spec.rank, rng, -0.3, 0.3)); // non-zero, so dA is not trivially 0
    }
  }
  return layer;
}

function ropeTable(T: number, D: number): { cos: Float32Array; sin: Float32Array } {
  const half = D / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t / 10000 ** ((2 * i) / D);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

function feedsFor(spec: BlockGraphSpec, layer: Layer, x: Float32Array, rope: { cos: Float32Array; sin: Float32Array }, dy?: Float32Array): Feeds {
  const T = x.length / spec.hiddenSize;
  const feeds: Feeds = {};
  for (const input of blockInputs(spec)) {
    const dims = input.dims.map((d) => (d === 'T' ? T : (d as number)));
    const name = input.name;
    let data: Float32Array | Uint8Array | undefined;
    if (name === BLOCK_NAMES.x) data = x;
    else if (name === BLOCK_NAMES.cos) data = rope.cos;
    else if (name === BLOCK_NAMES.sin) data = rope.sin;
    else if (name === BLOCK_NAMES.inputNorm) data = layer.inputNorm;
    else if (name === BLOCK_NAMES.postNorm) data = layer.postNorm;
    else if (name === BLOCK_NAMES.scaling) data = Float32Array.of(layer.scaling);
    else {
      for (const l of BLOCK_LINEARS) {
        if (name === BLOCK_NAMES.weight(l)) data = layer.w.get(l);
        else if (name === BLOCK_NAMES.nf4(l)) data = layer.nf4.get(l)?.packed;
        else if (name === BLOCK_NAMES.absmax(l)) data = layer.nf4.get(l)?.absmax;
        else if (name === BLOCK_NAMES.bias(l)) data = layer.bias.get(l);
        else if (name === BLOCK_NAMES.loraA(l)) data = layer.A.get(l);
        else if (name === BLOCK_NAMES.loraB(l)) data = layer.B.get(l);
      }
    }
    if (!data) throw new Error(`no feed for ${name}`);
    feeds[name] = { data, dims };
  }
  if (dy) feeds[BLOCK_NAMES.dy] = { data: dy, dims: [T, spec.hiddenSize] };
  return feeds;
}

const f64 = (a: Float32Array): Float64Array => Float64Array.from(a);
const add = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v + (b[i] as number));

/** The float64 block: forward y, and given dy the backward dx and LoRA grads. */
function referenceBlock(spec: BlockGraphSpec, layer: Layer, x32: Float32Array, rope: { cos: Float32Array; sin: Float32Array }, dy32: Float32Array) {
  const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, rmsNormEps: eps } = spec;
  const { cos, sin } = rope;
  const x = f64(x32);
  const W = (l: BlockLinear): Float64Array => f64(layer.w.get(l) as Float32Array);
  const lora = (l: BlockLinear): LoraParams | undefined => {
    const A = layer.A.get(l);
    const B = layer.B.get(l);
    return A && B ? { A: f64(A), B: f64(B), r: spec.rank, scaling: layer.scaling } : undefined;
  };
  const lin = (l: BlockLinear, input: Float64Array): Float64Array => {
    const [N, K] = blockLinearShape(spec, l);
    const b = layer.bias.get(l);
    const p = lora(l);
    const bias = b ? f64(b) : undefined;
    return p ? loraLinearForward(input, W(l), bias, p, K, N) : linearForward(input, W(l), bias, K, N);
  };
  const grads = new Map<BlockLinear, { dA: Float64Array; dB: Float64Array }>();
  const linBack = (l: BlockLinear, dout: Float64Array, input: Float64Array): Float64Array => {
    const [N, K] = blockLinearShape(spec, l);
    const p = lora(l);
    if (!p) return linearBackward(dout, input, W(l), K, N).dx;
    const gr = loraLinearBackward(dout, input, W(l), p, K, N);
    grads.set(l, { dA: gr.dA, dB: gr.dB });
    return gr.dx;
  };
  const w1 = f64(layer.inputNorm);
  const w2 = f64(layer.postNorm);
  const h = rmsNormForward(x, w1, eps, C);
  const q = ropeForward(lin('q_proj', h), cos, sin, H, D);
  const k = ropeForward(lin('k_proj', h), cos, sin, Hkv, D);
  const v = lin('v_proj', h);
  const attn = causalAttentionForward(q, k, v, H, Hkv, D);
  const x1 = add(x, lin('o_proj', attn));
  const h2 = rmsNormForward(x1, w2, eps, C);
  const g = lin('gate_proj', h2);
  const u = lin('up_proj', h2);
  const sg = siluForward(g);
  const a = sg.map((s, i) => s * (u[i] as number));
  const y = add(x1, lin('down_proj', a));
  // backward
  const dy = f64(dy32);
  const da = linBack('down_proj', dy, a);
  const dg = siluBackward(
    da.map((d, i) => d * (u[i] as number)),
    g,
  );
  const du = da.map((d, i) => d * (sg[i] as number));
  const dh2 = add(linBack('gate_proj', dg, h2), linBack('up_proj', du, h2));
  const dx1 = add(dy, rmsNormBackward(dh2, x1, w2, eps, C).dx);
  const dattn = linBack('o_proj', dx1, attn);
  const { dq, dk, dv } = causalAttentionBackward(dattn, q, k, v, H, Hkv, D);
  let dh = linBack('q_proj', ropeBackward(dq, cos, sin, H, D), h);
  dh = add(dh, linBack('k_proj', ropeBackward(dk, cos, sin, Hkv, D), h));
  dh = add(dh, linBack('v_proj', dv, h));
  const dx = add(dx1, rmsNormBackward(dh, x, w1, eps, C).dx);
  return { y, dx, grads };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Relative error with a floor of 1% of the reference's largest magnitude. */
function relError(got: unknown, want: Float64Array): number {
  return maxRelativeError(got as Float32Array, want, Math.max(1e-2 * maxAbs(want), 1e-12)).maxError;
}

interface Pair {
  spec: BlockGraphSpec;
  forward: OrtSession;
  backward: OrtSession;
}

const worst = { forward: 0, backward: 0 };

/** Runs both graphs on one layer and checks them; returns the errors seen. */
async function checkLayer(pair: Pair, layer: Layer, T: number, seed: number): Promise<{ y: number; dx: number; grads: number }> {
  const { spec } = pair;
  const rng = seededRng(seed);
  const x = randomUniform(T * spec.hiddenSize, rng);
  const dy = randomUniform(T * spec.hiddenSize, rng);
  const rope = ropeTable(T, spec.headDim);
  const ref = referenceBlock(spec, layer, x, rope, dy);
  const fwd = await runSession(pair.forward, feedsFor(spec, layer, x, rope));
  const bwd = await runSession(pair.backward, feedsFor(spec, layer, x, rope, dy));
  expect(fwd[BLOCK_NAMES.y]?.dims).toEqual([T, spec.hiddenSize]);
  const yErr = relError(fwd[BLOCK_NAMES.y]?.data, ref.y);
  const dxErr = relError(bwd[BLOCK_NAMES.dx]?.data, ref.dx);
  let gradErr = 0;
  expect(ref.grads.size).toBe(spec.lora.length);
  for (const l of spec.lora) {
    const want = ref.grads.get(l);
    if (!want) throw new Error(`reference has no grads for ${l}`);
    expect(maxAbs(want.dA)).toBeGreaterThan(1e-6); // non-trivial
    gradErr = Math.max(gradErr, relError(bwd[BLOCK_NAMES.gradA(l)]?.data, want.dA), relError(bwd[BLOCK_NAMES.gradB(l)]?.data, want.dB));
  }
  // Frozen linears get no gradient outputs.
  for (const l of BLOCK_LINEARS) if (!spec.lora.includes(l)) expect(bwd[BLOCK_NAMES.gradA(l)]).toBeUndefined();
  worst.forward = Math.max(worst.forward, yErr);
  worst.backward = Math.max(worst.backward, dxErr, gradErr);
  expect(yErr).toBeLessThan(FORWARD_TOLERANCE);
  expect(dxErr).toBeLessThan(BACKWARD_TOLERANCE);
  expect(gradErr).toBeLessThan(BACKWARD_TOLERANCE);
  return { y: yErr, dx: dxErr, grads: gradErr };
}

const cases: [string, BlockGraphSpec, number][] = [
  ['llama fp32', { ...LLAMA, format: 'fp32' }, 6],
  ['llama nf4', { ...LLAMA, format: 'nf4' }, 7],
  ['qwen2 fp32', { ...QWEN2, format: 'fp32' }, 5],
  ['qwen2 nf4', { ...QWEN2, format: 'nf4' }, 6],
];

describe('decoder block training graphs', () => {
  const sessions: OrtSession[] = [];
  const pairs = new Map<string, Pair>();
  beforeAll(async () => {
    for (const [name, spec] of cases) {
      const forward = await createSession(buildBlockForwardGraph(spec), { intraOpNumThreads: 1 });
      const backward = await createSession(buildBlockBackwardGraph(spec), { intraOpNumThreads: 1 });
      sessions.push(forward, backward);
      pairs.set(name, { spec, forward, backward });
    }
  });
  afterAll(async () => {
    for (const s of sessions) await s.release();
    console.log(`block graphs: worst forward error ${worst.forward.toExponential(2)}, worst backward error ${worst.backward.toExponential(2)}`);
  });

  for (const [name, spec, T] of cases) {
    it(`${name}: forward y, backward dx and LoRA dA/dB match the float64 reference`, async () => {
      const pair = pairs.get(name) as Pair;
      const errors = await checkLayer(pair, makeLayer(spec, seededRng(T * 101)), T, 7);
      console.log(`${name}: y ${errors.y.toExponential(2)}, dx ${errors.dx.toExponential(2)}, dA/dB ${errors.grads.toExponential(2)}`);
    });
  }

  it('one graph pair serves two layers (weights are inputs)', async () => {
    const pair = pairs.get('llama nf4') as Pair;
    const spec = pair.spec;
    const layers = [makeLayer(spec, seededRng(1)), makeLayer(spec, seededRng(2))];
    for (const [i, layer] of layers.entries()) await checkLayer(pair, layer, 5, 100 + i);
    // And the two layers' outputs differ, so reuse is not hiding a stale weight.
    const rng = seededRng(3);
    const x = randomUniform(5 * spec.hiddenSize, rng);
    const rope = ropeTable(5, spec.headDim);
    const [y0, y1] = await Promise.all(layers.map(async (l) => (await runSession(pair.forward, feedsFor(spec, l, x, rope)))[BLOCK_NAMES.y]?.data as Float32Array));
    expect(maxRelativeError(y0 as Float32Array, y1 as Float32Array, 1).maxError).toBeGreaterThan(1e-2);
  });

  it('a wrong LoRA scaling is caught (the checks can fail)', async () => {
    const pair = pairs.get('llama fp32') as Pair;
    const layer = makeLayer(pair.spec, seededRng(9));
    const T = 4;
    const rng = seededRng(10);
    const x = randomUniform(T * pair.spec.hiddenSize, rng);
    const dy = randomUniform(T * pair.spec.hiddenSize, rng);
    const rope = ropeTable(T, pair.spec.headDim);
    const ref = referenceBlock(pair.spec, layer, x, rope, dy);
    const bwd = await runSession(pair.backward, feedsFor(pair.spec, { ...layer, scaling: 2.5 }, x, rope, dy));
    expect(relError(bwd[BLOCK_NAMES.gradA('q_proj')]?.data, ref.grads.get('q_proj')?.dA as Float64Array)).toBeGreaterThan(BACKWARD_TOLERANCE);
    expect(relError(bwd[BLOCK_NAMES.dx]?.data, ref.dx)).toBeGreaterThan(BACKWARD_TOLERANCE);
  });

  it('the in-graph NF4 dequantization gives exactly the weight MatMulBnb4 multiplies by', async () => {
    const [N, K] = [48, 32];
    const raw = randomUniform(N * K, seededRng(11));
    const t = quantizeNf4(raw, 64);
    const want = dequantizeNf4(t);
    const out = await runModel(buildNf4DequantGraph(N, K, 64), { nf4: { data: t.packed, dims: [t.packed.length] }, absmax: { data: t.absmax, dims: [t.absmax.length] } });
    expect(out.W?.dims).toEqual([N, K]);
    expect(Array.from(out.W?.data as Float32Array)).toEqual(Array.from(want));
    // MatMulBnb4 (the forward graph's kernel) on the same bytes: x·Wᵀ with W the dequantized values.
    const spec: BlockGraphSpec = { ...LLAMA, format: 'nf4', lora: [] };
    const layer = makeLayer(spec, seededRng(12));
    const T = 3;
    const x = randomUniform(T * spec.hiddenSize, seededRng(13));
    const rope = ropeTable(T, spec.headDim);
    const ref = referenceBlock(spec, layer, x, rope, new Float32Array(x.length));
    const fwd = await runModel(buildBlockForwardGraph(spec), feedsFor(spec, layer, x, rope));
    expect(relError(fwd[BLOCK_NAMES.y]?.data, ref.y)).toBeLessThan(FORWARD_TOLERANCE);
  });
});
