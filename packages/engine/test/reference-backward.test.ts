import { describe, expect, it } from 'vitest';
import { causalAttentionBackward, causalAttentionForward, ropeBackward, ropeForward } from '../src/reference/backward/attention.js';
import {
  embeddingBackward,
  embeddingForward,
  linearBackward,
  linearForward,
  loraLinearBackward,
  loraLinearForward,
  type LoraParams,
} from '../src/reference/backward/linear.js';
import { crossEntropyBackward, crossEntropyForward } from '../src/reference/backward/loss.js';
import { IGNORE_INDEX } from '../src/train/labels.js';
import {
  geluTanhBackward,
  geluTanhForward,
  rmsNormBackward,
  rmsNormForward,
  siluBackward,
  softcapBackward,
  softcapForward,
  siluForward,
  softmaxBackward,
  softmaxForward,
  swigluMlpBackward,
  swigluMlpForward,
  type MlpWeights,
} from '../src/reference/backward/norm-mlp.js';
import { loraDecoderBackward, loraDecoderForward, type LoraAdapter } from '../src/reference/backward/decoder.js';
import type { ModelConfig } from '../src/io/config.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { linearModule, linearShape, LAYER_LINEARS, type LayerLinear } from '../src/model/weight-names.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { referenceForward } from '../src/reference/decoder.js';
import type { LoraModule } from '../src/model/lora.js';
import { mergedLoraWeights } from '../src/reference/lora.js';
import { randomUniform, seededRng, type Rng } from '../src/util/random.js';
import { dot, gradCheck, random64 } from './gradcheck.js';
import { tinyFamilyModel, type TinyModel } from './model-fixtures.js';

/** Central differences with h = 1e-5 in float64 agree with a right gradient to ~1e-9. */
const TOLERANCE = 1e-6;

function expectGrad(name: string, f: () => number, param: Float64Array, analytic: Float64Array, rng: Rng, samples = 24): void {
  const result = gradCheck(f, param, analytic, rng, { samples });
  expect(result.checked, `${name}: coordinates checked`).toBeGreaterThan(0);
  expect(result.maxError, `${name}: worst at ${result.index}, analytic ${result.analytic}, numeric ${result.numeric}`).toBeLessThan(TOLERANCE);
}

// Tiny, deliberately non-square shapes so a missing transpose changes values, not just layout.
const T = 3;
const K = 5;
const N = 4;

describe('gradCheck', () => {
  it('rejects a gradient with a missing transpose', () => {
    const rng = seededRng(1);
    const x = random64(T * K, rng);
    const W = random64(N * K, rng);
    const dy = random64(T * N, rng);
    const { dW } = linearBackward(dy, x, W, K, N);
    const transposed = new Float64Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) transposed[k * N + n] = dW[n * K + k] as number;
    const f = (): number => dot(linearForward(x, W, undefined, K, N), dy);
    expect(gradCheck(f, W, transposed, rng, { samples: N * K }).maxError).toBeGreaterThan(0.1);
    expect(gradCheck(f, W, dW, rng, { samples: N * K }).maxError).toBeLessThan(TOLERANCE);
  });

  it('rejects rope turned the wrong way (forward used as backward)', () => {
    const rng = seededRng(2);
    const x = random64(T * 2 * 4, rng);
    const cos = random64(T * 2, rng);
    const sin = cos.map((c) => Math.sqrt(1 - c * c));
    const dy = random64(x.length, rng);
    const f = (): number => dot(ropeForward(x, cos, sin, 2, 4), dy);
    expect(gradCheck(f, x, ropeForward(dy, cos, sin, 2, 4), rng, { samples: x.length }).maxError).toBeGreaterThan(0.1);
  });
});

describe('reference backward ops match central finite differences', () => {
  it('linearBackward gives dx, dW and db', () => {
    const rng = seededRng(10);
    const [x, W, b, dy] = [random64(T * K, rng), random64(N * K, rng), random64(N, rng), random64(T * N, rng)];
    const f = (): number => dot(linearForward(x, W, b, K, N), dy);
    const g = linearBackward(dy, x, W, K, N);
    expectGrad('dx', f, x, g.dx, rng);
    expectGrad('dW', f, W, g.dW, rng);
    expectGrad('db', f, b, g.db, rng);
  });

  it('loraLinearBackward gives dx, dA and dB with W frozen', () => {
    const rng = seededRng(11);
    const r = 2;
    const lora: LoraParams = { A: random64(r * K, rng), B: random64(N * r, rng), r, scaling: 1.5 };
    const [x, W, b, dy] = [random64(T * K, rng), random64(N * K, rng), random64(N, rng), random64(T * N, rng)];
    const f = (): number => dot(loraLinearForward(x, W, b, lora, K, N), dy);
    const g = loraLinearBackward(dy, x, W, lora, K, N);
    expectGrad('dx', f, x, g.dx, rng);
    expectGrad('dA', f, lora.A, g.dA, rng);
    expectGrad('dB', f, lora.B, g.dB, rng);
  });

  it('loraLinearBackward with LoRA dropout: the branch reads x ⊙ keep, the frozen path x', () => {
    const rng = seededRng(12);
    const r = 2;
    const p = 0.4;
    const keep = Float64Array.from({ length: T * K }, () => (rng() < p ? 0 : 1 / (1 - p)));
    expect(keep.includes(0)).toBe(true);
    const lora: LoraParams = { A: random64(r * K, rng), B: random64(N * r, rng), r, scaling: 1.5, keep };
    const [x, W, b, dy] = [random64(T * K, rng), random64(N * K, rng), random64(N, rng), random64(T * N, rng)];
    const f = (): number => dot(loraLinearForward(x, W, b, lora, K, N), dy);
    const g = loraLinearBackward(dy, x, W, lora, K, N);
    expectGrad('dx', f, x, g.dx, rng);
    expectGrad('dA', f, lora.A, g.dA, rng);
    expectGrad('dB', f, lora.B, g.dB, rng);
    // Dropout changes the output (the mask is not silently ignored).
    const plain = loraLinearForward(x, W, b, { ...lora, keep: undefined }, K, N);
    expect(Math.max(...loraLinearForward(x, W, b, lora, K, N).map((v, i) => Math.abs(v - (plain[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('embeddingBackward scatter-adds, also for a repeated token', () => {
    const rng = seededRng(12);
    const [V, C] = [6, 3];
    const ids = [4, 1, 4, 0];
    const [table, dy] = [random64(V * C, rng), random64(ids.length * C, rng)];
    const dTable = embeddingBackward(dy, ids, V, C);
    expectGrad('dTable', () => dot(embeddingForward(table, ids, C), dy), table, dTable, rng, V * C);
    expect(dTable[4 * C]).toBeCloseTo((dy[0] as number) + (dy[2 * C] as number), 12);
    expect(Array.from(dTable.subarray(2 * C, 4 * C))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rmsNormBackward gives dx and dw', () => {
    const rng = seededRng(13);
    const C = 6;
    const [x, w, dy] = [random64(T * C, rng), random64(C, rng, 0.5, 1.5), random64(T * C, rng)];
    const f = (): number => dot(rmsNormForward(x, w, 1e-5, C), dy);
    const g = rmsNormBackward(dy, x, w, 1e-5, C);
    expectGrad('dx', f, x, g.dx, rng, x.length);
    expectGrad('dw', f, w, g.dw, rng, C);
  });

  it('siluBackward and softmaxBackward', () => {
    const rng = seededRng(14);
    const x = random64(12, rng, -4, 4);
    const dy = random64(12, rng);
    expectGrad('silu dx', () => dot(siluForward(x), dy), x, siluBackward(dy, x), rng, 12);
    const width = 4;
    expectGrad('softmax dx', () => dot(softmaxForward(x, width), dy), x, softmaxBackward(dy, softmaxForward(x, width), width), rng, 12);
  });

  it('geluTanhBackward and softcapBackward', () => {
    const rng = seededRng(21);
    const x = random64(16, rng, -4, 4);
    const dy = random64(16, rng);
    expectGrad('gelu dx', () => dot(geluTanhForward(x), dy), x, geluTanhBackward(dy, x), rng, 16);
    // A cap of 2 on values up to 4: well into tanh's bend.
    expectGrad('softcap dx', () => dot(softcapForward(x, 2), dy), x, softcapBackward(dy, x, 2), rng, 16);
    // tanh-GELU as PyTorch: gelu(1) = 0.8411920, gelu(−2) = −0.0454023.
    expect(geluTanhForward(Float64Array.of(1, -2))[0]).toBeCloseTo(0.841192, 6);
    expect(geluTanhForward(Float64Array.of(1, -2))[1]).toBeCloseTo(-0.0454023, 6);
  });

  it('swigluMlpBackward gives dx and every weight and bias', () => {
    const rng = seededRng(15);
    const [C, I] = [4, 6];
    const w: MlpWeights = {
      gate: random64(I * C, rng),
      up: random64(I * C, rng),
      down: random64(C * I, rng),
      gateBias: random64(I, rng),
      upBias: random64(I, rng),
      downBias: random64(C, rng),
    };
    const [x, dy] = [random64(T * C, rng), random64(T * C, rng)];
    const f = (): number => dot(swigluMlpForward(x, w, C, I), dy);
    const g = swigluMlpBackward(dy, x, w, C, I);
    expectGrad('dx', f, x, g.dx, rng);
    expectGrad('dGate', f, w.gate, g.dGate, rng);
    expectGrad('dUp', f, w.up, g.dUp, rng);
    expectGrad('dDown', f, w.down, g.dDown, rng);
    expectGrad('dGateBias', f, w.gateBias!, g.dGateBias, rng);
    expectGrad('dUpBias', f, w.upBias!, g.dUpBias, rng);
    expectGrad('dDownBias', f, w.downBias!, g.dDownBias, rng);
  });

  it('ropeBackward is the transposed rotation', () => {
    const rng = seededRng(16);
    const [heads, D] = [3, 4];
    const angles = random64(T * (D / 2), rng, -3, 3);
    const [cos, sin] = [angles.map(Math.cos), angles.map(Math.sin)];
    const [x, dy] = [random64(T * heads * D, rng), random64(T * heads * D, rng)];
    expectGrad('dx', () => dot(ropeForward(x, cos, sin, heads, D), dy), x, ropeBackward(dy, cos, sin, heads, D), rng, x.length);
  });

  it.each([
    { name: 'GQA H=4, Hkv=2, no past', past: 0 },
    { name: 'GQA H=4, Hkv=2, 2 past positions', past: 2 },
  ])('causalAttentionBackward gives dq, dk, dv ($name)', ({ past }) => {
    const rng = seededRng(17 + past);
    const [H, Hkv, D, Tq] = [4, 2, 4, 4];
    const S = past + Tq;
    const [q, k, v] = [random64(Tq * H * D, rng, -2, 2), random64(S * Hkv * D, rng, -2, 2), random64(S * Hkv * D, rng)];
    const dy = random64(Tq * H * D, rng);
    const f = (): number => dot(causalAttentionForward(q, k, v, H, Hkv, D), dy);
    const g = causalAttentionBackward(dy, q, k, v, H, Hkv, D);
    expectGrad('dq', f, q, g.dq, rng, 32);
    expectGrad('dk', f, k, g.dk, rng, 32);
    expectGrad('dv', f, v, g.dv, rng, 32);
  });

  it.each([
    { name: 'scale 0.3, soft-cap 1', past: 0, options: { scale: 0.3, softcap: 1 } },
    { name: 'window 2', past: 0, options: { window: 2 } },
    { name: 'window 3, 2 past positions, soft-cap 2', past: 2, options: { window: 3, softcap: 2 } },
  ])('causalAttentionBackward with Gemma options gives dq, dk, dv ($name)', ({ past, options }) => {
    const rng = seededRng(30 + past);
    const [H, Hkv, D, Tq] = [4, 2, 4, 5];
    const S = past + Tq;
    const [q, k, v] = [random64(Tq * H * D, rng, -2, 2), random64(S * Hkv * D, rng, -2, 2), random64(S * Hkv * D, rng)];
    const dy = random64(Tq * H * D, rng);
    const f = (): number => dot(causalAttentionForward(q, k, v, H, Hkv, D, options), dy);
    const g = causalAttentionBackward(dy, q, k, v, H, Hkv, D, options);
    expectGrad('dq', f, q, g.dq, rng, 32);
    expectGrad('dk', f, k, g.dk, rng, 32);
    expectGrad('dv', f, v, g.dv, rng, 32);
    // The options change the output (none is silently ignored).
    const plain = causalAttentionForward(q, k, v, H, Hkv, D);
    expect(Math.max(...causalAttentionForward(q, k, v, H, Hkv, D, options).map((x, i) => Math.abs(x - (plain[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('a sliding window hides keys at distance ≥ window: they get no gradient from the last query', () => {
    const rng = seededRng(33);
    const [H, Hkv, D, Tq, window] = [2, 1, 4, 5, 2];
    const [q, k, v] = [random64(Tq * H * D, rng), random64(Tq * Hkv * D, rng), random64(Tq * Hkv * D, rng)];
    const dy = new Float64Array(Tq * H * D);
    dy.fill(1, (Tq - 1) * H * D); // only the last query (position 4) sees positions 3 and 4
    const g = causalAttentionBackward(dy, q, k, v, H, Hkv, D, { window });
    expect(g.dv.subarray(0, 3 * Hkv * D).every((value) => value === 0)).toBe(true);
    expect(g.dv.subarray(3 * Hkv * D).every((value) => value !== 0)).toBe(true);
  });

  it('causalAttentionForward is causal: the last query does not move earlier outputs', () => {
    const rng = seededRng(19);
    const [H, Hkv, D, Tq] = [4, 2, 4, 3];
    const [q, k, v] = [random64(Tq * H * D, rng), random64(Tq * Hkv * D, rng), random64(Tq * Hkv * D, rng)];
    // Only row 0 of dout: keys and values of later positions get no gradient.
    const dy = new Float64Array(Tq * H * D);
    dy.fill(1, 0, H * D);
    const g = causalAttentionBackward(dy, q, k, v, H, Hkv, D);
    expect(g.dk.subarray(Hkv * D).every((value) => value === 0)).toBe(true);
    expect(g.dv.subarray(Hkv * D).every((value) => value === 0)).toBe(true);
    expect(g.dv.subarray(0, Hkv * D).some((value) => value !== 0)).toBe(true);
  });

  it('crossEntropyBackward: mean over trained tokens, masked rows get nothing', () => {
    const rng = seededRng(20);
    const V = 7;
    const labels = [3, IGNORE_INDEX, 0, 6, IGNORE_INDEX];
    const logits = random64(labels.length * V, rng, -3, 3);
    const dlogits = crossEntropyBackward(logits, labels, V);
    expectGrad('dlogits', () => crossEntropyForward(logits, labels, V), logits, dlogits, rng, logits.length);
    expect(dlogits.subarray(V, 2 * V).every((value) => value === 0)).toBe(true);
    // Each trained row's gradient sums to zero; the loss of uniform logits is log V.
    expect(dlogits.subarray(0, V).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(crossEntropyForward(new Float64Array(2 * V), [1, IGNORE_INDEX], V)).toBeCloseTo(Math.log(V), 12);
    expect(
      crossEntropyForward(
        logits,
        labels.map(() => IGNORE_INDEX),
        V,
      ),
    ).toBe(0);
    expect(() => crossEntropyForward(logits, [7, 0, 0, 0, 0], V)).toThrow(RangeError);
  });
});

/** A random adapter on `linears` of every layer, its values float32-exact so the float32 merge sees the same numbers. */
function randomAdapter(
  config: ModelConfig,
  linears: readonly LayerLinear[],
  r: number,
  scaling: number,
  seed: number,
): { adapter: LoraAdapter; modules: Map<string, LoraModule> } {
  const rng = seededRng(seed);
  const adapter = new Map<string, { A: Float64Array; B: Float64Array; r: number; scaling: number }>();
  const modules = new Map<string, LoraModule>();
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const linear of linears) {
      const [N, K] = linearShape(config, linear);
      // B is non-zero (unlike a fresh PEFT adapter), so dA is exercised too.
      const A = randomUniform(r * K, rng, -0.5, 0.5);
      const B = randomUniform(N * r, rng, -0.3, 0.3);
      modules.set(linearModule(layer, linear), { A, B, r });
      adapter.set(linearModule(layer, linear), { A: Float64Array.from(A), B: Float64Array.from(B), r, scaling });
    }
  }
  return { adapter, modules };
}

/** The small llama / qwen2 model these tests began with (C 16, V 32). */
function tinyReference(overrides: Partial<ModelConfig> = {}, seed = 3): TinyModel {
  const config = testModelConfig({ hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 4, numKvHeads: 2, vocabSize: 32, ...overrides });
  const weights = randomWeights(config, seed);
  return { config, weights, get: (name) => weights.get(name)! };
}

describe('whole tiny decoder with LoRA, float64', () => {
  const shortIds = [1, 7, 30, 7, 12, 5];
  // Shifted labels: the first (prompt) and last positions are not trained on.
  const labels = [IGNORE_INDEX, 30, 7, 12, 5, IGNORE_INDEX];
  // Longer than the Gemma fixtures' window of 4, so the sliding layer hides early positions.
  const longIds = [1, 7, 30, 7, 12, 5, 60, 41];
  const longLabels = [IGNORE_INDEX, 30, 7, 12, 5, 60, 41, IGNORE_INDEX];

  it.each([
    { name: 'llama', model: (): TinyModel => tinyReference(), linears: ['q_proj', 'v_proj'] as const, ids: shortIds },
    { name: 'qwen3 (q/k norms)', model: (): TinyModel => tinyFamilyModel('qwen3', {}, 3), linears: LAYER_LINEARS, ids: longIds },
    {
      name: 'gemma2 (soft-caps, sandwich norms, GeGLU, sliding layer 0)',
      model: (): TinyModel => tinyFamilyModel('gemma2', {}, 3),
      linears: LAYER_LINEARS,
      ids: longIds,
    },
    {
      name: 'gemma3_text (q/k norms, local RoPE, sliding layer 0)',
      model: (): TinyModel => tinyFamilyModel('gemma3_text', {}, 3),
      linears: LAYER_LINEARS,
      ids: longIds,
    },
  ])('forward agrees with the float32 referenceForward on the merged weights ($name)', ({ model, linears, ids }) => {
    const { config, get } = model();
    const { adapter, modules } = randomAdapter(config, linears, 2, 2, 4);
    const got = loraDecoderForward(config, get, adapter, ids).logits;
    const merged = referenceForward(config, mergedLoraWeights(get, { scaling: 2, modules }), ids).logits;
    expect(maxRelativeError(got, merged).maxError).toBeLessThan(1e-4);
    // The adapter matters: without it the logits differ well beyond that tolerance.
    const base = referenceForward(config, get, ids).logits;
    expect(maxRelativeError(got, base).maxError).toBeGreaterThan(1e-2);
  });

  it.each([
    {
      name: 'llama, LoRA on q and v',
      model: (): TinyModel => tinyReference({}, 5),
      linears: ['q_proj', 'v_proj'] as const,
      samples: 16,
      ids: shortIds,
      labels,
    },
    {
      name: 'qwen2 biases, tied embeddings, LoRA on every linear',
      model: (): TinyModel => tinyReference({ architecture: 'qwen2', qkvBias: true, tieWordEmbeddings: true }, 5),
      linears: LAYER_LINEARS,
      samples: 6,
      ids: shortIds,
      labels,
    },
    {
      name: 'qwen3, LoRA on every linear',
      model: (): TinyModel => tinyFamilyModel('qwen3', {}, 5),
      linears: LAYER_LINEARS,
      samples: 4,
      ids: longIds,
      labels: longLabels,
    },
    // Caps the random scores and logits reach (~1 and ~5), so tanh bends.
    {
      name: 'gemma2 with tight soft-caps, LoRA on every linear',
      model: (): TinyModel => tinyFamilyModel('gemma2', { attn_logit_softcapping: 1, final_logit_softcapping: 3 }, 5),
      linears: LAYER_LINEARS,
      samples: 4,
      ids: longIds,
      labels: longLabels,
    },
    {
      name: 'gemma3_text, LoRA on every linear',
      model: (): TinyModel => tinyFamilyModel('gemma3_text', {}, 5),
      linears: LAYER_LINEARS,
      samples: 4,
      ids: longIds,
      labels: longLabels,
    },
  ])('LoRA gradients of the masked loss match finite differences ($name)', ({ model, linears, samples, ids, labels }) => {
    const { config, get } = model();
    const { adapter } = randomAdapter(config, linears, 2, 2, 6);
    const { loss, grads } = loraDecoderBackward(config, get, adapter, ids, labels);
    const lossOf = (): number => crossEntropyForward(loraDecoderForward(config, get, adapter, ids).logits, labels, config.vocabSize);
    expect(loss).toBeCloseTo(lossOf(), 12);
    expect(grads.size).toBe(adapter.size);
    const rng = seededRng(7);
    for (const [name, lora] of adapter) {
      const g = grads.get(name)!;
      expect(Math.max(...g.dA.map(Math.abs)), `${name} dA is exercised`).toBeGreaterThan(1e-3);
      for (const [which, param, analytic] of [
        ['A', lora.A, g.dA],
        ['B', lora.B, g.dB],
      ] as const) {
        const result = gradCheck(lossOf, param, analytic, rng, { samples, floor: 1e-4 });
        expect(result.maxError, `${name}.${which}: worst at ${result.index}, analytic ${result.analytic}, numeric ${result.numeric}`).toBeLessThan(1e-5);
      }
    }
  });
});
