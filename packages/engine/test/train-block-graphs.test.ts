/**
 * The decoder-block training graphs (src/train/block-graphs.ts) against one layer of the float64
 * reference (`loraLayerReference`, src/reference/backward): forward y, backward dx and every LoRA
 * dA / dB, for fp32 and NF4 weights, Llama (GQA), Qwen2 (q/k/v biases), Qwen3 (q/k norms) and
 * Gemma (sandwich norms, GeGLU, attention scale and soft-cap, sliding window) blocks, and one
 * graph pair reused for two layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type OrtSession } from '../src/runtime/session.js';
import { dequantizeNf4, dequantizeNf4Into, NF4_CODEBOOK, nf4CodeAt, quantizeNf4, type Nf4Tensor } from '../src/quant/index.js';
import { maxRelativeError } from '../src/reference/compare.js';
import type { LoraParams } from '../src/reference/backward/linear.js';
import { loraLayerReference } from '../src/reference/backward/decoder.js';
import { testModelConfig } from '../src/model/random-weights.js';
import { LAYER_LINEARS, layerNormName, linearModule, type LayerLinear, type LayerNorm } from '../src/model/weight-names.js';
import {
  BLOCK_NAMES,
  blockInputs,
  blockLinearShape,
  buildBlockBackwardGraph,
  buildBlockForwardGraph,
  backwardSpec,
  FROZEN_GROUPS,
  savedBytesPerRow,
  savedInputs,
  type BlockGraphSpec,
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
  lora: LAYER_LINEARS,
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
const QWEN3: Omit<BlockGraphSpec, 'format'> = { ...LLAMA, rmsNormEps: 1e-6, qkNorm: true, lora: ['q_proj', 'k_proj', 'o_proj', 'up_proj'] };
/** Gemma 2's sliding layer; a cap of 1 on scores of order 1, so tanh bends. */
const GEMMA2: Omit<BlockGraphSpec, 'format'> = {
  ...LLAMA,
  rmsNormEps: 1e-6,
  activation: 'gelu_tanh',
  sandwichNorms: true,
  attentionScale: 0.3,
  attnSoftcap: 1,
  window: 3,
};
/** Gemma 3's sliding layer: q/k norms, no soft-cap. */
const GEMMA3: Omit<BlockGraphSpec, 'format'> = { ...GEMMA2, qkNorm: true, attnSoftcap: null, attentionScale: 0.25 };

/** One layer's weights: float32 values (NF4 ones already dequantized) and the NF4 tensors. */
interface Layer {
  inputNorm: Float32Array;
  postNorm: Float32Array;
  /** The spec's other norms: pre/post-feedforward (C), q/k (D). */
  norms: Map<LayerNorm, Float32Array>;
  w: Map<LayerLinear, Float32Array>; // (N, K) the values the graph multiplies by
  nf4: Map<LayerLinear, Nf4Tensor>;
  bias: Map<LayerLinear, Float32Array>;
  A: Map<LayerLinear, Float32Array>;
  B: Map<LayerLinear, Float32Array>;
  scaling: number;
}

function makeLayer(spec: BlockGraphSpec, rng: Rng): Layer {
  const C = spec.hiddenSize;
  const layer: Layer = {
    inputNorm: randomUniform(C, rng, 0.5, 1.5),
    postNorm: randomUniform(C, rng, 0.5, 1.5),
    norms: new Map(),
    w: new Map(),
    nf4: new Map(),
    bias: new Map(),
    A: new Map(),
    B: new Map(),
    scaling: 2,
  };
  if (spec.sandwichNorms) for (const n of ['preFeedforward', 'postFeedforward'] as const) layer.norms.set(n, randomUniform(C, rng, 0.5, 1.5));
  if (spec.qkNorm) for (const n of ['q', 'k'] as const) layer.norms.set(n, randomUniform(spec.headDim, rng, 0.5, 1.5));
  for (const l of LAYER_LINEARS) {
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

/** How a block run is fed beyond x: batch layout, dy, dropout and saved activations. */
interface FeedOptions {
  /** Sequences in x (default 1): x has B·T rows. */
  B?: number;
  /** (B·T) example ids (default all 0). */
  segments?: readonly number[];
  dy?: Float32Array;
  /** Keep-masks (N, K) by linear and the kept-value scale, with `spec.dropout`. */
  dropout?: { masks: Map<LayerLinear, Uint8Array>; scale: number };
  /** Saved activations (saved-mode backward). */
  saved?: Feeds;
}

function feedsFor(spec: BlockGraphSpec, layer: Layer, x: Float32Array, rope: { cos: Float32Array; sin: Float32Array }, options: FeedOptions = {}): Feeds {
  const rows = x.length / spec.hiddenSize;
  const B = options.B ?? 1;
  const T = rows / B;
  const feeds: Feeds = {};
  for (const input of blockInputs(options.dy ? backwardSpec(spec) : spec)) {
    const dims = input.dims.map((d) => (d === 'N' ? rows : d === 'B' ? B : d === 'T' ? T : (d as number)));
    const name = input.name;
    let data: Float32Array | Uint8Array | BigInt64Array | undefined;
    if (name === BLOCK_NAMES.x) data = x;
    else if (name === BLOCK_NAMES.segments) data = BigInt64Array.from((options.segments ?? new Array<number>(rows).fill(0)).map(BigInt));
    else if (name === BLOCK_NAMES.cos) data = rope.cos;
    else if (name === BLOCK_NAMES.sin) data = rope.sin;
    else if (name === BLOCK_NAMES.inputNorm) data = layer.inputNorm;
    else if (name === BLOCK_NAMES.postNorm) data = layer.postNorm;
    else if (name === BLOCK_NAMES.preFeedforwardNorm) data = layer.norms.get('preFeedforward');
    else if (name === BLOCK_NAMES.postFeedforwardNorm) data = layer.norms.get('postFeedforward');
    else if (name === BLOCK_NAMES.qNorm) data = layer.norms.get('q');
    else if (name === BLOCK_NAMES.kNorm) data = layer.norms.get('k');
    else if (name === BLOCK_NAMES.scaling) data = Float32Array.of(layer.scaling);
    else if (name === BLOCK_NAMES.dropoutScale) data = Float32Array.of(options.dropout?.scale ?? 1);
    else {
      // A frozen group's inputs are its members' stacked (NF4: bytes and absmax concatenated).
      for (const { name: group, linears } of FROZEN_GROUPS) {
        if (name === BLOCK_NAMES.weight(group)) data = stack(linears.map((l) => layer.w.get(l)!));
        else if (name === BLOCK_NAMES.nf4(group)) data = stackBytes(linears.map((l) => layer.nf4.get(l)!.packed));
        else if (name === BLOCK_NAMES.absmax(group)) data = stack(linears.map((l) => layer.nf4.get(l)!.absmax));
        else if (name === BLOCK_NAMES.bias(group)) data = stack(linears.map((l) => layer.bias.get(l)!));
      }
      for (const l of LAYER_LINEARS) {
        if (name === BLOCK_NAMES.loraA(l)) data = layer.A.get(l);
        else if (name === BLOCK_NAMES.loraB(l)) data = layer.B.get(l);
        else if (name === BLOCK_NAMES.dropoutMask(l)) data = options.dropout?.masks.get(l);
      }
    }
    if (!data) throw new Error(`no feed for ${name}`);
    feeds[name] = { data, dims };
  }
  if (options.dy) feeds[BLOCK_NAMES.dy] = { data: options.dy, dims: [rows, spec.hiddenSize] };
  return { ...feeds, ...options.saved };
}

const stack = (parts: Float32Array[]): Float32Array => Float32Array.from(parts.flatMap((p) => Array.from(p)));
const stackBytes = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

/** Rope tables for rows whose positions are given (e.g. restarting per packed example). */
function ropeAt(positions: readonly number[], D: number): { cos: Float32Array; sin: Float32Array } {
  const table = ropeTable(Math.max(...positions) + 1, D);
  const half = D / 2;
  const cos = new Float32Array(positions.length * half);
  const sin = new Float32Array(positions.length * half);
  positions.forEach((p, i) => {
    cos.set(table.cos.subarray(p * half, (p + 1) * half), i * half);
    sin.set(table.sin.subarray(p * half, (p + 1) * half), i * half);
  });
  return { cos, sin };
}

const f64 = (a: Float32Array): Float64Array => Float64Array.from(a);

/**
 * The float64 block: forward y, and given dy the backward dx and LoRA grads — layer 0 of the
 * reference decoder (`loraLayerReference`) with this spec's features and the layer's weights.
 */
function referenceBlock(
  spec: BlockGraphSpec,
  layer: Layer,
  x32: Float32Array,
  rope: { cos: Float32Array; sin: Float32Array },
  dy32: Float32Array,
  dropout?: FeedOptions['dropout'],
) {
  const config = testModelConfig({
    hiddenSize: spec.hiddenSize,
    numHeads: spec.numHeads,
    numKvHeads: spec.numKvHeads,
    headDim: spec.headDim,
    intermediateSize: spec.intermediateSize,
    rmsNormEps: spec.rmsNormEps,
    qkvBias: spec.qkvBias,
    numLayers: 1,
    activation: spec.activation ?? 'silu',
    qkNorm: spec.qkNorm ?? false,
    sandwichNorms: spec.sandwichNorms ?? false,
    ...(spec.attentionScale === undefined ? {} : { attentionScale: spec.attentionScale }),
    attnSoftcap: spec.attnSoftcap ?? null,
    layerTypes: [spec.window ? 'sliding' : 'full'],
    slidingWindow: spec.window ?? null,
  });
  const weights = new Map<string, Float32Array>([
    [layerNormName(0, 'input'), layer.inputNorm],
    [layerNormName(0, 'postAttention'), layer.postNorm],
    ...[...layer.norms].map(([n, w]): [string, Float32Array] => [layerNormName(0, n), w]),
  ]);
  const adapter = new Map<string, LoraParams>();
  for (const l of LAYER_LINEARS) {
    weights.set(`${linearModule(0, l)}.weight`, layer.w.get(l)!);
    const bias = layer.bias.get(l);
    if (bias) weights.set(`${linearModule(0, l)}.bias`, bias);
    const [A, B, mask] = [layer.A.get(l), layer.B.get(l), dropout?.masks.get(l)];
    const keep = mask ? Float64Array.from(mask, (m) => m * dropout!.scale) : undefined;
    if (A && B) adapter.set(linearModule(0, l), { A: f64(A), B: f64(B), r: spec.rank, scaling: layer.scaling, keep });
  }
  const get = (name: string): Float32Array => weights.get(name) ?? fail(name);
  const ref = loraLayerReference(config, get, adapter, 0, f64(x32), rope, f64(dy32));
  const grads = new Map<LayerLinear, { dA: Float64Array; dB: Float64Array }>();
  for (const l of LAYER_LINEARS) {
    const g = ref.grads.get(linearModule(0, l));
    if (g) grads.set(l, g);
  }
  return { y: ref.y, dx: ref.dx, grads };
}

function fail(name: string): never {
  throw new Error(`referenceBlock: no tensor ${name}`);
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
  const bwd = await runSession(pair.backward, feedsFor(spec, layer, x, rope, { dy }));
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
  for (const l of LAYER_LINEARS) if (!spec.lora.includes(l)) expect(bwd[BLOCK_NAMES.gradA(l)]).toBeUndefined();
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
  ['qwen3 fp32', { ...QWEN3, format: 'fp32' }, 5],
  ['gemma2 sliding fp32', { ...GEMMA2, format: 'fp32' }, 7],
  ['gemma2 full nf4', { ...GEMMA2, format: 'nf4', window: null }, 6],
  ['gemma3 sliding nf4', { ...GEMMA3, format: 'nf4' }, 7],
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
    const [y0, y1] = await Promise.all(
      layers.map(async (l) => (await runSession(pair.forward, feedsFor(spec, l, x, rope)))[BLOCK_NAMES.y]?.data as Float32Array),
    );
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
    const bwd = await runSession(pair.backward, feedsFor(pair.spec, { ...layer, scaling: 2.5 }, x, rope, { dy }));
    expect(relError(bwd[BLOCK_NAMES.gradA('q_proj')]?.data, ref.grads.get('q_proj')?.dA as Float64Array)).toBeGreaterThan(BACKWARD_TOLERANCE);
    expect(relError(bwd[BLOCK_NAMES.dx]?.data, ref.dx)).toBeGreaterThan(BACKWARD_TOLERANCE);
  });

  /** Runs forward and backward; returns y, dx and the LoRA grads as plain arrays. */
  async function runBlock(
    pair: Pair,
    layer: Layer,
    x: Float32Array,
    rope: { cos: Float32Array; sin: Float32Array },
    options: FeedOptions & { dy: Float32Array },
  ) {
    const fwd = await runSession(pair.forward, feedsFor(pair.spec, layer, x, rope, { ...options, dy: undefined }));
    const bwd = await runSession(pair.backward, feedsFor(pair.spec, layer, x, rope, options));
    const grads = new Map<string, Float32Array>();
    for (const l of pair.spec.lora) {
      grads.set(BLOCK_NAMES.gradA(l), bwd[BLOCK_NAMES.gradA(l)]?.data as Float32Array);
      grads.set(BLOCK_NAMES.gradB(l), bwd[BLOCK_NAMES.gradB(l)]?.data as Float32Array);
    }
    return { y: fwd[BLOCK_NAMES.y]?.data as Float32Array, dx: bwd[BLOCK_NAMES.dx]?.data as Float32Array, grads, fwd };
  }

  const close = (got: Float32Array, want: ArrayLike<number>, tol = 1e-5): void => {
    expect(got.length).toBe(want.length);
    expect(maxRelativeError(got, Float64Array.from(want), Math.max(1e-2 * maxAbs(want), 1e-12)).maxError).toBeLessThan(tol);
  };

  it('packing: two examples in one row (block-causal, positions restarting) equal each run alone', async () => {
    for (const name of ['llama fp32', 'qwen2 nf4', 'gemma2 sliding fp32', 'gemma3 sliding nf4']) {
      const pair = pairs.get(name) as Pair;
      const { spec } = pair;
      const C = spec.hiddenSize;
      const layer = makeLayer(spec, seededRng(21));
      const rng = seededRng(22);
      const [Ta, Tb] = [4, 3];
      const xa = randomUniform(Ta * C, rng);
      const xb = randomUniform(Tb * C, rng);
      const dya = randomUniform(Ta * C, rng);
      const dyb = randomUniform(Tb * C, rng);
      const a = await runBlock(pair, layer, xa, ropeTable(Ta, spec.headDim), { dy: dya });
      const b = await runBlock(pair, layer, xb, ropeTable(Tb, spec.headDim), { dy: dyb });
      const concat = (u: Float32Array, v: Float32Array): Float32Array => Float32Array.from([...u, ...v]);
      const packed = await runBlock(pair, layer, concat(xa, xb), ropeAt([0, 1, 2, 3, 0, 1, 2], spec.headDim), {
        dy: concat(dya, dyb),
        segments: [0, 0, 0, 0, 1, 1, 1],
      });
      close(packed.y, concat(a.y, b.y));
      close(packed.dx, concat(a.dx, b.dx));
      for (const [k, g] of packed.grads)
        close(
          g,
          a.grads.get(k)!.map((v, i) => v + b.grads.get(k)![i]!),
          1e-4,
        );
      // Without the segment mask the second example would see the first: the outputs differ.
      const leaky = await runBlock(pair, layer, concat(xa, xb), ropeAt([0, 1, 2, 3, 0, 1, 2], spec.headDim), { dy: concat(dya, dyb) });
      expect(maxRelativeError(leaky.y.subarray(Ta * C), Float64Array.from(b.y), 1).maxError).toBeGreaterThan(1e-3);
    }
  });

  it('a batch of two sequences with padding equals each sequence alone', async () => {
    const pair = pairs.get('llama nf4') as Pair;
    const { spec } = pair;
    const C = spec.hiddenSize;
    const layer = makeLayer(spec, seededRng(31));
    const rng = seededRng(32);
    const T = 5;
    const [xa, xb] = [randomUniform(T * C, rng), randomUniform(3 * C, rng)];
    const [dya, dyb] = [randomUniform(T * C, rng), randomUniform(3 * C, rng)];
    const a = await runBlock(pair, layer, xa, ropeTable(T, spec.headDim), { dy: dya });
    const b = await runBlock(pair, layer, xb, ropeTable(3, spec.headDim), { dy: dyb });
    // Row 1: 3 tokens then 2 pads (segment -1, zero dy as the head gives for untrained rows).
    const x = Float32Array.from([...xa, ...xb, ...randomUniform(2 * C, rng)]);
    const dy = Float32Array.from([...dya, ...dyb, ...new Float32Array(2 * C)]);
    const batch = await runBlock(pair, layer, x, ropeAt([0, 1, 2, 3, 4, 0, 1, 2, 0, 0], spec.headDim), {
      B: 2,
      dy,
      segments: [0, 0, 0, 0, 0, 0, 0, 0, -1, -1],
    });
    expect(batch.fwd[BLOCK_NAMES.y]?.dims).toEqual([2 * T, C]);
    close(batch.y.subarray(0, 8 * C), Float32Array.from([...a.y, ...b.y]));
    close(batch.dx.subarray(0, 8 * C), Float32Array.from([...a.dx, ...b.dx]));
    expect(batch.y.every(Number.isFinite) && batch.dx.every(Number.isFinite)).toBe(true);
    for (const [k, g] of batch.grads)
      close(
        g,
        a.grads.get(k)!.map((v, i) => v + b.grads.get(k)![i]!),
        1e-4,
      );
  });

  it('saved activations: the saving forward and the saved backward equal the recomputing pair', async () => {
    for (const name of ['llama nf4', 'qwen2 fp32', 'qwen3 fp32', 'gemma2 sliding fp32', 'gemma3 sliding nf4']) {
      const recompute = pairs.get(name) as Pair;
      const { spec } = recompute;
      const forward = await createSession(buildBlockForwardGraph(spec, { saved: true }), { intraOpNumThreads: 1 });
      const backward = await createSession(buildBlockBackwardGraph(spec, { saved: true }), { intraOpNumThreads: 1 });
      sessions.push(forward, backward);
      const layer = makeLayer(spec, seededRng(41));
      const rng = seededRng(42);
      const B = 2;
      const T = 4;
      const x = randomUniform(B * T * spec.hiddenSize, rng);
      const dy = randomUniform(B * T * spec.hiddenSize, rng);
      const rope = ropeAt([0, 1, 0, 1, 0, 1, 2, 3], spec.headDim);
      const feed: FeedOptions = { B, segments: [0, 0, 1, 1, 0, 0, 0, 0] };
      const want = await runBlock(recompute, layer, x, rope, { ...feed, dy });
      const fwd = await runSession(forward, feedsFor(spec, layer, x, rope, feed));
      const saved: Feeds = {};
      for (const s of savedInputs(spec)) {
        const out = fwd[s.name];
        expect(out, s.name).toBeDefined();
        saved[s.name] = { data: out!.data as Float32Array, dims: [...out!.dims] };
      }
      expect(Array.from(fwd[BLOCK_NAMES.y]?.data as Float32Array)).toEqual(Array.from(want.y));
      const bwd = await runSession(backward, feedsFor(spec, layer, x, rope, { ...feed, dy, saved }));
      close(bwd[BLOCK_NAMES.dx]?.data as Float32Array, want.dx, 1e-6);
      for (const [k, g] of want.grads) close(bwd[k]?.data as Float32Array, g, 1e-6);
      expect(savedBytesPerRow(spec, T) * B * T).toBe(savedInputs(spec).reduce((n, s) => n + (saved[s.name]!.data as Float32Array).byteLength, 0));
    }
  });

  it('LoRA dropout: the branch reads x ⊙ mask / (1 − p), matching the float64 reference; an all-ones mask at scale 1 is no dropout', async () => {
    for (const format of ['fp32', 'nf4'] as const) {
      const spec: BlockGraphSpec = { ...LLAMA, format, lora: ['q_proj', 'o_proj', 'gate_proj', 'down_proj'], dropout: true };
      const pair: Pair = {
        spec,
        forward: await createSession(buildBlockForwardGraph(spec), { intraOpNumThreads: 1 }),
        backward: await createSession(buildBlockBackwardGraph(spec), { intraOpNumThreads: 1 }),
      };
      sessions.push(pair.forward, pair.backward);
      const plain = pairs.get(`llama ${format}`) as Pair;
      const full = makeLayer({ ...LLAMA, format }, seededRng(51));
      const layer = { ...full, A: new Map([...full.A].filter(([l]) => spec.lora.includes(l))), B: new Map([...full.B].filter(([l]) => spec.lora.includes(l))) };
      const rng = seededRng(52);
      const T = 5;
      const x = randomUniform(T * spec.hiddenSize, rng);
      const dy = randomUniform(T * spec.hiddenSize, rng);
      const rope = ropeTable(T, spec.headDim);
      const p = 0.3;
      const masks = new Map<LayerLinear, Uint8Array>();
      for (const l of spec.lora)
        masks.set(
          l,
          Uint8Array.from({ length: T * blockLinearShape(spec, l)[1] }, () => (rng() < p ? 0 : 1)),
        );
      const dropout = { masks, scale: 1 / (1 - p) };
      const got = await runBlock(pair, layer, x, rope, { dy, dropout });
      const ref = referenceBlock(spec, layer, x, rope, dy, dropout);
      expect(relError(got.y, ref.y)).toBeLessThan(FORWARD_TOLERANCE);
      expect(relError(got.dx, ref.dx)).toBeLessThan(BACKWARD_TOLERANCE);
      for (const l of spec.lora) {
        expect(relError(got.grads.get(BLOCK_NAMES.gradA(l)), ref.grads.get(l)!.dA)).toBeLessThan(BACKWARD_TOLERANCE);
        expect(relError(got.grads.get(BLOCK_NAMES.gradB(l)), ref.grads.get(l)!.dB)).toBeLessThan(BACKWARD_TOLERANCE);
      }
      // The masks matter: the no-dropout reference differs.
      expect(relError(got.grads.get(BLOCK_NAMES.gradA('q_proj')), referenceBlock(spec, layer, x, rope, dy).grads.get('q_proj')!.dA)).toBeGreaterThan(
        BACKWARD_TOLERANCE,
      );
      // All-ones masks at scale 1 equal the plain graph restricted to the same linears.
      const ones = new Map([...masks].map(([l, m]) => [l, new Uint8Array(m.length).fill(1)]));
      const none = await runBlock(pair, layer, x, rope, { dy, dropout: { masks: ones, scale: 1 } });
      const plainPair: Pair = { ...plain, spec: { ...plain.spec, lora: spec.lora } };
      const plainSessions = {
        forward: await createSession(buildBlockForwardGraph(plainPair.spec), { intraOpNumThreads: 1 }),
        backward: await createSession(buildBlockBackwardGraph(plainPair.spec), { intraOpNumThreads: 1 }),
      };
      sessions.push(plainSessions.forward, plainSessions.backward);
      const want = await runBlock({ ...plainPair, ...plainSessions }, layer, x, rope, { dy });
      close(none.y, want.y, 1e-6);
      close(none.dx, want.dx, 1e-6);
    }
  });

  it('the dequantized weights fed to the backward are exactly those MatMulBnb4 multiplies by', async () => {
    const [N, K] = [48, 32];
    const raw = randomUniform(N * K, seededRng(11));
    const t = quantizeNf4(raw, 64);
    const into = dequantizeNf4Into(t, new Float32Array(N * K).fill(Number.NaN));
    const scalar = Float32Array.from({ length: N * K }, (_, i) => (NF4_CODEBOOK[nf4CodeAt(t.packed, i)] as number) * (t.absmax[Math.floor(i / 64)] as number));
    expect(Array.from(into)).toEqual(Array.from(scalar));
    expect(Array.from(dequantizeNf4(t))).toEqual(Array.from(scalar));
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
