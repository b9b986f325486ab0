/**
 * Whole-model (Q)LoRA training steps on ONNX Runtime (src/train/train-step.ts, head-graph.ts):
 * loss and every LoRA dA / dB against the float64 `loraDecoderBackward` on tiny GQA llama,
 * qwen3, gemma2 and gemma3_text models, fp32 ('lora') and NF4 ('qlora') base; packed and padded
 * batches; the loss falling on a learnable task; bit-identical adapters from the same seed and
 * data; and a trained adapter surviving a PEFT write / read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/io/config.js';
import { createLoraConfig, readLoraAdapter, writeLoraAdapter, type LoraAdapter } from '../src/io/peft.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { loraDecoderBackward } from '../src/reference/backward/decoder.js';
import type { LoraParams } from '../src/reference/backward/linear.js';
import { GradAccumulator } from '../src/train/clip.js';
import { initLoraAdapter } from '../src/train/lora-init.js';
import { adamWOptions, Optimizer } from '../src/train/optimizer.js';
import { lrSchedule, scheduledLr } from '../src/train/schedule.js';
import { LoraTrainer, loraParamName, sequenceBatch, type StepBatch, type TrainMethod } from '../src/train/train-step.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { tinyFamilyModel, type TinyModel } from './model-fixtures.js';

const LOSS_TOLERANCE = 1e-4;
const GRAD_TOLERANCE = 1e-3;

const config: ModelConfig = testModelConfig(); // llama, 2 layers, C 32, H 4 / Hkv 2, V 64
const weights = randomWeights(config, 3);
const getWeight = (name: string): Float32Array => {
  const w = weights.get(name);
  if (!w) throw new Error(`no weight ${name}`);
  return w;
};
const llama: TinyModel = { config, weights, get: getWeight };

/**
 * The models a step is checked on: the llama above and tiny models of the other families (C 64,
 * V 96; Gemma's layer 0 slides with a window of 4, layer 1 is full; gemma3 rotates its sliding
 * layer with another RoPE). Gemma 2's caps are tightened so tanh bends on random weights.
 */
const MODELS: [string, () => TinyModel][] = [
  ['llama', () => llama],
  ['qwen3', () => tinyFamilyModel('qwen3', {}, 3)],
  ['gemma2', () => tinyFamilyModel('gemma2', { attn_logit_softcapping: 1, final_logit_softcapping: 3 }, 3)],
  ['gemma3_text', () => tinyFamilyModel('gemma3_text', {}, 3)],
];

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Relative error with a floor of 1% of the reference's largest magnitude. */
function relError(got: Float32Array | undefined, want: Float64Array): number {
  if (!got) return Infinity;
  return maxRelativeError(got, want, Math.max(1e-2 * maxAbs(want), 1e-12)).maxError;
}

/** ids and shifted labels of a sequence: labels[t] = ids[t + 1], the last (and `masked`) −100. */
function row(ids: number[], masked: number[] = []): { ids: number[]; labels: number[] } {
  const labels = ids.map((_, t) => (t + 1 < ids.length && !masked.includes(t) ? (ids[t + 1] as number) : -100));
  return { ids, labels };
}

function randomAdapter(seed: number, r: number, model: TinyModel = llama): LoraAdapter {
  const adapter = initLoraAdapter(model.config, createLoraConfig({ r, loraAlpha: 2 * r, targetModules: 'all-linear' }), seed);
  const rng = seededRng(seed + 1);
  for (const m of adapter.weights.values()) m.B.set(randomUniform(m.B.length, rng, -0.3, 0.3)); // non-zero B, so dA ≠ 0
  return adapter;
}

const trainers: LoraTrainer[] = [];
async function trainer(
  adapter: LoraAdapter,
  method: TrainMethod,
  options: { dropout?: number; activationBudgetBytes?: number; headChunkRows?: number } = {},
  model: TinyModel = llama,
): Promise<LoraTrainer> {
  const t = await LoraTrainer.create({ config: model.config, getWeight: model.get, adapter, method, intraOpNumThreads: 1, ...options });
  trainers.push(t);
  return t;
}
afterAll(async () => {
  for (const t of trainers) await t.release();
});

describe('whole-model LoRA training step on ONNX Runtime', () => {
  for (const [family, makeModel] of MODELS) {
    for (const method of ['lora', 'qlora'] as const) {
      it(`${family} ${method}: loss and every LoRA dA / dB match the float64 reference`, async () => {
        const model = makeModel();
        const { config } = model;
        const adapter = randomAdapter(11, 2, model);
        const t = await trainer(adapter, method, {}, model);
        const { ids, labels } = row([1, 17, 5, 42, 9, 33, 60, 2, 7], [1, 4]);
        const got = await t.step(sequenceBatch(ids, labels));
        // The reference multiplies by exactly what the graphs do: NF4 weights dequantized.
        const refWeight = (name: string): Float32Array => t.quantizedWeight(name) ?? model.get(name);
        if (method === 'qlora') expect(t.quantizedWeight('model.layers.0.self_attn.q_proj.weight')).toBeDefined();
        const refAdapter = new Map<string, LoraParams>();
        for (const [module, m] of adapter.weights) refAdapter.set(module, { A: Float64Array.from(m.A), B: Float64Array.from(m.B), r: m.r, scaling: m.scaling });
        const ref = loraDecoderBackward(config, refWeight, refAdapter, ids, labels);

        const tokens = labels.filter((l) => l !== -100).length;
        expect(got.tokens).toBe(tokens);
        const lossErr = Math.abs(got.loss - ref.loss) / Math.abs(ref.loss);
        expect(lossErr).toBeLessThan(LOSS_TOLERANCE);
        expect(Math.abs(got.lossSum - ref.loss * tokens) / (ref.loss * tokens)).toBeLessThan(LOSS_TOLERANCE);
        const evaluated = await t.evaluate(sequenceBatch(ids, labels));
        expect(Math.abs(evaluated.loss - got.loss) / got.loss).toBeLessThan(1e-6);

        // step's grads are of the SUMMED loss; the reference's of the mean.
        let worst = 0;
        let worstMeanConfusion = Infinity;
        expect(got.grads.size).toBe(2 * adapter.weights.size);
        for (const [module, g] of ref.grads) {
          expect(maxAbs(g.dA)).toBeGreaterThan(1e-6);
          const dA = g.dA.map((v) => v * tokens);
          const dB = g.dB.map((v) => v * tokens);
          const gotA = got.grads.get(loraParamName(module, 'A'));
          const gotB = got.grads.get(loraParamName(module, 'B'));
          worst = Math.max(worst, relError(gotA, dA), relError(gotB, dB));
          // Mistaking the mean for the sum would be caught.
          worstMeanConfusion = Math.min(worstMeanConfusion, relError(gotB, g.dB));
        }
        console.log(
          `${family} ${method}: loss ${got.loss.toFixed(5)} (reference ${ref.loss.toFixed(5)}, rel. error ${lossErr.toExponential(2)}), worst dA/dB rel. error ${worst.toExponential(2)}`,
        );
        expect(worst).toBeLessThan(GRAD_TOLERANCE);
        expect(worstMeanConfusion).toBeGreaterThan(GRAD_TOLERANCE);
      });
    }
  }

  /** Trains a fresh adapter (B = 0) on one repeated sequence; returns losses and the adapter. */
  async function train(method: TrainMethod, steps: number, seed: number): Promise<{ losses: number[]; adapter: LoraAdapter; t: LoraTrainer }> {
    const adapter = initLoraAdapter(config, createLoraConfig({ r: 4, loraAlpha: 8, targetModules: 'all-linear' }), seed);
    const t = await trainer(adapter, method);
    const optimizer = new Optimizer(adamWOptions({ weightDecay: 0 }));
    const schedule = lrSchedule('constant', 0, steps);
    const accumulator = new GradAccumulator();
    const { ids, labels } = row([1, 12, 40, 7, 7, 23, 51, 3, 18, 44, 30, 2]);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const r = await t.step(sequenceBatch(ids, labels));
      losses.push(r.loss);
      accumulator.add(r.grads, r.tokens);
      const update = t.applyUpdate(accumulator, optimizer, scheduledLr(1e-2, schedule, s), 1.0);
      expect(update.applied).toBe(true);
    }
    losses.push((await t.evaluate(sequenceBatch(ids, labels))).loss);
    return { losses, adapter, t };
  }

  it('qlora: the loss falls on a learnable task (AdamW lr 1e-2, r 4, all-linear, 30 steps)', async () => {
    const { losses } = await train('qlora', 30, 5);
    const first = losses[0] as number;
    const last = losses[losses.length - 1] as number;
    console.log(`qlora training: loss ${first.toFixed(4)} → ${last.toFixed(4)}`);
    expect(last).toBeLessThan(0.5 * first);
  });

  it('same seed and data give bit-identical adapters; a written adapter reads back with the same loss', async () => {
    const a = await train('lora', 4, 9);
    const b = await train('lora', 4, 9);
    const bytes = (ad: LoraAdapter): Buffer =>
      Buffer.concat(
        [...ad.weights.values()].flatMap((m) => [
          Buffer.from(m.A.buffer, m.A.byteOffset, m.A.byteLength),
          Buffer.from(m.B.buffer, m.B.byteOffset, m.B.byteLength),
        ]),
      );
    expect(maxAbs([...a.adapter.weights.values()][0]!.B)).toBeGreaterThan(0); // it did train
    expect(bytes(a.adapter).equals(bytes(b.adapter))).toBe(true);
    const c = await train('lora', 4, 10); // another seed differs, so the comparison can fail
    expect(bytes(a.adapter).equals(bytes(c.adapter))).toBe(false);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-train-step-'));
    try {
      writeLoraAdapter(dir, a.adapter);
      const back = readLoraAdapter(dir, { modelConfig: config });
      const t = await trainer(back, 'lora');
      const { ids, labels } = row([1, 12, 40, 7, 7, 23, 51, 3, 18, 44, 30, 2]);
      const want = await a.t.evaluate(sequenceBatch(ids, labels));
      const got = await t.evaluate(sequenceBatch(ids, labels));
      expect(got.loss).toBe(want.loss);
      expect(got.loss).toBe(a.losses[a.losses.length - 1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Two sequences stacked into one batch of B rows × T (the shorter padded), or packed into one row. */
  function combine(a: { ids: number[]; labels: number[] }, b: { ids: number[]; labels: number[] }, how: 'batch' | 'packed'): StepBatch {
    if (how === 'packed') {
      return {
        batchSize: 1,
        seqLen: a.ids.length + b.ids.length,
        inputIds: [...a.ids, ...b.ids],
        labels: [...a.labels, ...b.labels],
        positionIds: [...a.ids.map((_, t) => t), ...b.ids.map((_, t) => t)],
        segmentIds: [...a.ids.map(() => 0), ...b.ids.map(() => 1)],
      };
    }
    const T = Math.max(a.ids.length, b.ids.length);
    const pad = (r: { ids: number[]; labels: number[] }, field: 'ids' | 'labels', fill: number): number[] => [
      ...r[field],
      ...new Array<number>(T - r.ids.length).fill(fill),
    ];
    const positions = (r: { ids: number[] }): number[] => Array.from({ length: T }, (_, t) => (t < r.ids.length ? t : 0));
    const segments = (r: { ids: number[] }): number[] => Array.from({ length: T }, (_, t) => (t < r.ids.length ? 0 : -1));
    return {
      batchSize: 2,
      seqLen: T,
      inputIds: [...pad(a, 'ids', 0), ...pad(b, 'ids', 0)],
      labels: [...pad(a, 'labels', -100), ...pad(b, 'labels', -100)],
      positionIds: [...positions(a), ...positions(b)],
      segmentIds: [...segments(a), ...segments(b)],
    };
  }

  // Gemma 3: a sliding layer (window 4 < these sequences) with its own RoPE, q/k and sandwich norms.
  for (const [family, method] of [
    ['llama', 'lora'],
    ['llama', 'qlora'],
    ['gemma3_text', 'qlora'],
  ] as const) {
    it(`${family} ${method}: a padded batch and a packed row each give the sums of their sequences' losses and gradients; saved activations and a head in chunks of rows equal the plain run`, async () => {
      const model = MODELS.find(([name]) => name === family)![1]();
      const adapter = randomAdapter(21, 2, model);
      const recompute = await trainer(adapter, method, { activationBudgetBytes: 0 }, model);
      const saving = await trainer(adapter, method, { headChunkRows: 3 }, model);
      const a = row([1, 17, 5, 42, 9, 33, 60, 2, 7], [1]);
      const b = row([3, 8, 61, 12, 40], [0]);
      const alone = [await recompute.step(sequenceBatch(a.ids, a.labels)), await recompute.step(sequenceBatch(b.ids, b.labels))];
      expect(alone[0]!.savedActivations).toBe(false);
      for (const how of ['batch', 'packed'] as const) {
        for (const t of [recompute, saving]) {
          const got = await t.step(combine(a, b, how));
          expect(got.savedActivations).toBe(t === saving);
          expect(got.tokens).toBe(alone[0]!.tokens + alone[1]!.tokens);
          expect(Math.abs(got.lossSum - (alone[0]!.lossSum + alone[1]!.lossSum)) / got.lossSum).toBeLessThan(1e-5);
          let worst = 0;
          for (const [name, g] of got.grads) {
            const want = Float64Array.from(g, (_, i) => alone[0]!.grads.get(name)![i]! + alone[1]!.grads.get(name)![i]!);
            worst = Math.max(worst, relError(g, want));
          }
          expect(worst, `${how}, ${t === saving ? 'saved' : 'recomputed'}`).toBeLessThan(1e-4);
          const evaluated = await t.evaluate(combine(a, b, how));
          expect(Math.abs(evaluated.lossSum - got.lossSum) / got.lossSum).toBeLessThan(1e-6);
        }
      }
    });
  }

  it('LoRA dropout: the same seed gives the same gradients, another seed others; evaluation has no dropout', async () => {
    const adapter = randomAdapter(31, 2);
    const plain = await trainer(adapter, 'qlora');
    const dropped = await trainer(adapter, 'qlora', { dropout: 0.3 });
    const { ids, labels } = row([1, 17, 5, 42, 9, 33, 60, 2, 7]);
    const batch = sequenceBatch(ids, labels);
    await expect(dropped.step(batch)).rejects.toThrow(/dropoutSeed/);
    const s1 = await dropped.step(batch, { dropoutSeed: 1 });
    const s1again = await dropped.step(batch, { dropoutSeed: 1 });
    const s2 = await dropped.step(batch, { dropoutSeed: 2 });
    const none = await plain.step(batch);
    const name = loraParamName('model.layers.0.self_attn.q_proj', 'A');
    expect(Array.from(s1.grads.get(name)!)).toEqual(Array.from(s1again.grads.get(name)!));
    expect(s1.loss).toBe(s1again.loss);
    expect(relError(s2.grads.get(name), Float64Array.from(s1.grads.get(name)!))).toBeGreaterThan(1e-3);
    expect(relError(none.grads.get(name), Float64Array.from(s1.grads.get(name)!))).toBeGreaterThan(1e-3);
    expect((await dropped.evaluate(batch)).loss).toBe((await plain.evaluate(batch)).loss);
    await expect(LoraTrainer.create({ config, getWeight, adapter, method: 'lora', dropout: 1 })).rejects.toThrow(/dropout must be ≥ 0 and < 1/);
  });
});
