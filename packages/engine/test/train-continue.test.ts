/**
 * trainLora (src/train/loop.ts) continuing from an existing adapter (`initAdapterDir`) and
 * stopping early (`earlyStoppingPatience`) on a tiny llama folder: a continued run starts
 * exactly at the loss of the adapter it was given, below a fresh run's base-model loss; an
 * adapter of another rank / scaling / target set is refused before any work; a run whose eval
 * loss stops improving stops after `patience` such evaluations and still writes its adapter and
 * summary; one whose eval loss keeps falling runs to the end; patience without eval data is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { ADAPTER_WEIGHTS_FILE, readLoraAdapter } from '../src/io/peft.js';
import type { JobReporter } from '../src/jobs/reporter.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import type { EvalRecord } from '../src/train/checkpoint.js';
import type { TrainingRecord } from '../src/train/data.js';
import { TRAINING_SUMMARY_FILE, trainLora, type TrainLoraOptions, type TrainLoraResult } from '../src/train/loop.js';
import { rejection } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-train-continue-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const modelDir = makeTinyModel({
  arch: 'llama',
  outDir: path.join(root, 'model'),
  hiddenSize: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  intermediateSize: 64,
  maxPositionEmbeddings: 64,
}).dir;

/** Short, repetitive texts: learnable, so the loss falls within a few steps. */
const records: TrainingRecord[] = [
  { kind: 'text', text: 'the cat sat on the mat. the cat sat on the mat.' },
  { kind: 'text', text: 'the dog ran to the park. the dog ran to the park.' },
  { kind: 'text', text: 'hi hi hi, say hi. hi hi hi, say hi.' },
  { kind: 'text', text: 'one two three four. one two three four.' },
];
const probe: TrainingRecord[] = [records[0]!];

interface Events {
  metrics: { name: string; value: number; step: number }[];
  artifacts: string[];
}
function reporter(): { report: JobReporter; events: Events } {
  const events: Events = { metrics: [], artifacts: [] };
  return {
    events,
    report: {
      progress: () => undefined,
      metric: (name, value, step) => events.metrics.push({ name, value, step }),
      log: () => undefined,
      artifact: (kind) => events.artifacts.push(kind),
    },
  };
}

function options(overrides: Partial<TrainLoraOptions>): TrainLoraOptions {
  return {
    modelDir,
    method: 'lora',
    lora: { r: 4, alpha: 8, dropout: 0, targetModules: 'all-linear' },
    seed: 11,
    optimizer: { kind: 'adamw', weightDecay: 0 },
    learningRate: 5e-2,
    scheduler: 'constant',
    warmupSteps: 0,
    maxSteps: 4,
    batchSize: 1,
    gradAccum: 1,
    maxGradNorm: 1,
    seqLen: 24,
    train: { records },
    outputDir: path.join(root, 'out'),
    intraOpNumThreads: 1,
    ...overrides,
  };
}

const signal = new AbortController().signal;

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('trainLora initAdapterDir', () => {
  // Run A: 12 steps on all records, evaluated at the end on `probe`, so finalEval is the loss of
  // the written adapter on exactly the row a one-record continued run trains on first.
  const dirA = path.join(root, 'run-a');
  let runA: Promise<TrainLoraResult> | null = null;
  const trainA = (): Promise<TrainLoraResult> =>
    (runA ??= trainLora(options({ outputDir: dirA, maxSteps: 12, eval: { records: probe } }), { signal, report: reporter().report }));

  it("continues from the given adapter: the first loss is that adapter's loss, below a fresh start", async () => {
    const a = await trainA();
    expect(a.steps).toBe(12);
    const adapterLoss = a.finalEval!.loss;

    const fresh = await trainLora(options({ outputDir: path.join(root, 'fresh'), train: { records: probe }, maxSteps: 2 }), {
      signal,
      report: reporter().report,
    });
    const continued = await trainLora(options({ outputDir: path.join(root, 'continued'), train: { records: probe }, maxSteps: 2, initAdapterDir: dirA }), {
      signal,
      report: reporter().report,
    });

    // A fresh adapter has B = 0: its first loss is the base model's; A learned `probe`, so its
    // adapter is clearly better there, and the continued run starts exactly at that loss.
    expect(adapterLoss).toBeLessThan(fresh.history[0]!.loss - 0.03);
    expect(relDiff(continued.history[0]!.loss, adapterLoss)).toBeLessThan(1e-5);
    expect(continued.history[0]!.loss).toBeLessThan(fresh.history[0]!.loss - 0.03);
    expect(continued.history[0]!.gradNorm).not.toBe(fresh.history[0]!.gradNorm);

    // The continued run's adapter starts from A's weights (not a fresh init) and has moved on.
    const wa = readLoraAdapter(dirA).weights;
    const wc = readLoraAdapter(path.join(root, 'continued')).weights;
    const wf = readLoraAdapter(path.join(root, 'fresh')).weights;
    const name = [...wa.keys()][0]!;
    const dist = (x: Float32Array, y: Float32Array): number => Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0));
    expect(dist(wc.get(name)!.B, wa.get(name)!.B)).toBeLessThan(dist(wf.get(name)!.B, wa.get(name)!.B));
    expect(dist(wc.get(name)!.B, wa.get(name)!.B)).toBeGreaterThan(0);
  });

  it('refuses an initial adapter of another rank, scaling or target set before any work, naming its folder', async () => {
    await trainA();
    const cases: [Partial<TrainLoraOptions>, string][] = [
      [{ lora: { r: 8, alpha: 16, targetModules: 'all-linear' } }, 'rank 4'], // same scaling 2, other rank
      [{ lora: { r: 4, alpha: 4, targetModules: 'all-linear' } }, 'scaling'],
      [{ lora: { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj'] } }, 'other modules'],
    ];
    for (const [overrides, message] of cases) {
      const { report, events } = reporter();
      const outputDir = path.join(root, 'refused-init');
      const error = await rejection(trainLora(options({ ...overrides, outputDir, initAdapterDir: dirA }), { signal, report }));
      expect(error, message).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(dirA);
      expect(error.message).toContain(message);
      expect(events.metrics).toEqual([]);
      expect(fs.existsSync(outputDir)).toBe(false);
    }
    // A folder with no adapter at all is refused too, naming it.
    const missing = path.join(root, 'no-adapter-here');
    const error = await rejection(
      trainLora(options({ outputDir: path.join(root, 'refused-missing'), initAdapterDir: missing }), { signal, report: reporter().report }),
    );
    expect(error).toBeInstanceOf(EngineError);
    expect(error.message).toContain(missing);
  });
});

/** The step at which patience-based stopping should fire on this eval sequence (null: never). */
function expectedStop(evals: readonly EvalRecord[], patience: number): number | null {
  let best = Infinity;
  let bad = 0;
  for (const e of evals) {
    if (e.loss < best) {
      best = e.loss;
      bad = 0;
    } else if (++bad >= patience) return e.step;
  }
  return null;
}

describe('trainLora early stopping', () => {
  const evalSource = { records: probe };

  it('stops after `patience` evaluations without a better eval loss, still writing adapter and summary', async () => {
    const patience = 2;
    const totalSteps = 10;
    // AdamW at lr 0.3 with no clipping, evaluated on text unlike the training data: the eval loss
    // wanders (6.241, 6.242, 6.191, 6.259, 6.221, ... with these settings): one bad eval, a new
    // best that resets the count, then two bad ones. The tiny model keeps every loss near ln(V),
    // so the stop step is taken from the reference run below rather than hard-coded.
    const unrelated: TrainingRecord[] = [{ kind: 'text', text: 'zebra quilt vortex jumbo kiwi. zebra quilt vortex.' }];
    const diverging = {
      optimizer: { kind: 'adamw' as const, weightDecay: 0 },
      learningRate: 0.3,
      maxGradNorm: 0,
      maxSteps: totalSteps,
      eval: { records: unrelated },
      evalEvery: 1,
    };

    // Reference: the same run with no early stopping gives the eval sequence to stop on.
    const reference = await trainLora(options({ ...diverging, outputDir: path.join(root, 'diverging-full') }), { signal, report: reporter().report });
    expect(reference.stoppedEarly).toBe(false);
    expect(reference.steps).toBe(totalSteps);
    const stopAt = expectedStop(reference.evals, patience);
    expect(stopAt).not.toBeNull();
    expect(stopAt!).toBeLessThan(totalSteps);
    // The sequence has a non-improving eval before a new best, so the count must reset to stop at `stopAt`.
    expect(expectedStop(reference.evals, 1)!).toBeLessThan(stopAt!);

    const outputDir = path.join(root, 'stopped');
    const { report, events } = reporter();
    const result = await trainLora(options({ ...diverging, outputDir, earlyStoppingPatience: patience }), { signal, report });
    expect(result.stoppedEarly).toBe(true);
    expect(result.totalSteps).toBe(totalSteps);
    expect(result.steps).toBe(stopAt);
    expect(result.steps).toBeLessThan(totalSteps);
    expect(result.history).toHaveLength(result.steps);
    expect(events.metrics.filter((m) => m.name === 'loss')).toHaveLength(result.steps);
    // Same run up to the stop: the same evals as the reference.
    expect(result.evals).toEqual(reference.evals.slice(0, result.steps));
    expect(result.evals.map((e) => e.step)).toEqual(Array.from({ length: result.steps }, (_, i) => i + 1));

    // The last `patience` evals are no better than the best before them, which was set just before.
    const evals = result.evals;
    const before = evals.slice(0, evals.length - patience);
    const best = Math.min(...before.map((e) => e.loss));
    expect(before.at(-1)!.loss).toBe(best);
    for (const e of evals.slice(-patience)) expect(e.loss).toBeGreaterThanOrEqual(best);
    expect(result.finalEval).toEqual(evals.at(-1));

    // Final adapter and summary still written, saying it stopped early.
    expect(fs.existsSync(path.join(outputDir, ADAPTER_WEIGHTS_FILE))).toBe(true);
    expect(readLoraAdapter(outputDir).weights.size).toBeGreaterThan(0);
    const summary = JSON.parse(fs.readFileSync(path.join(outputDir, TRAINING_SUMMARY_FILE), 'utf8'));
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.metrics).toHaveLength(result.steps);
    expect(summary.evals).toHaveLength(result.steps);
    expect(summary.finalEval).toEqual(result.finalEval);
    expect(summary.config.earlyStoppingPatience).toBe(patience);
    expect(events.artifacts).toEqual(['adapter', 'summary']);
  });

  it('runs to the last step while the eval loss keeps improving', async () => {
    const outputDir = path.join(root, 'improving');
    // Train and evaluate on the same single row at a small lr: each step lowers the eval loss.
    const result = await trainLora(
      options({ outputDir, train: evalSource, eval: evalSource, evalEvery: 1, earlyStoppingPatience: 2, learningRate: 1e-2, maxSteps: 6 }),
      { signal, report: reporter().report },
    );
    expect(result.stoppedEarly).toBe(false);
    expect(result.steps).toBe(6);
    expect(result.evals.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(expectedStop(result.evals, 2)).toBeNull();
    expect(result.finalEval!.loss).toBeLessThan(result.evals[0]!.loss);
    const summary = JSON.parse(fs.readFileSync(path.join(outputDir, TRAINING_SUMMARY_FILE), 'utf8'));
    expect(summary.stoppedEarly).toBe(false);
  });

  it('refuses earlyStoppingPatience without eval data, before any work', async () => {
    const outputDir = path.join(root, 'no-eval');
    const { report, events } = reporter();
    const error = await rejection(trainLora(options({ outputDir, earlyStoppingPatience: 2, evalEvery: 1 }), { signal, report }));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('earlyStoppingPatience needs eval data');
    expect(events.metrics).toEqual([]);
    expect(fs.existsSync(outputDir)).toBe(false);
    // A patience that is not a whole number ≥ 1 is refused too.
    const zero = await rejection(trainLora(options({ outputDir, earlyStoppingPatience: 0, eval: evalSource }), { signal, report }));
    expect(zero.message).toContain('earlyStoppingPatience');
  });
});
