/**
 * The measured training time estimate (src/train/calibrate.ts, time-estimate.ts): its
 * arithmetic on a made-up calibration, and, on the app's demo model shape, a projection from a
 * real calibration against a real short run of the training loop; and a Gemma 3 model
 * calibrating with its features.
 *
 * Why the timed check is a factor of 2 and not tighter: this machine has 2 cores shared with
 * other test files running at the same time, so a run can be slowed by half against the
 * calibration a second before. The FLOP-only estimate it replaces is off by far more than
 * that on this shape at 64 tokens (about 6×: a tiny model's step is per-op overhead, not
 * FLOPs, and the FLOP count leaves out setup), so a factor of 2 still tells them apart; the
 * test checks both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelConfig } from '../src/io/model-folder.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { calibrateTraining, type TrainingCalibration } from '../src/train/calibrate.js';
import { estimateTraining } from '../src/train/estimate.js';
import { resolveLoraTargets } from '../src/train/lora-init.js';
import { trainLora } from '../src/train/loop.js';
import { projectTrainingTime, TIME_RANGE_MARGIN } from '../src/train/time-estimate.js';
import { createLoraConfig } from '../src/io/peft.js';
import { familyConfig } from './model-fixtures.js';

describe('projectTrainingTime', () => {
  const calibration: TrainingCalibration = {
    setupSeconds: 2,
    warmupSeconds: 3,
    warmupSteps: 1,
    steps: [
      { width: 101, trainedTokens: 100, blocksSeconds: 0.9, headSeconds: 0.1, updateSeconds: 0.05 },
      { width: 101, trainedTokens: 100, blocksSeconds: 1.1, headSeconds: 0.1, updateSeconds: 0.05 },
      { width: 101, trainedTokens: 100, blocksSeconds: 1.3, headSeconds: 0.1, updateSeconds: 0.05 },
    ],
    evalSeconds: 0.5,
    savedActivations: true,
    otherCpuShare: 0,
  };

  it('is the median step × steps plus setup, the slow first step and every evaluation', () => {
    const t = projectTrainingTime(calibration, { steps: 100, gradAccum: 1, trainedTokensPerBatch: 100, evalBatches: 4, startupSeconds: 1 });
    expect(t.secondsPerStep).toBeCloseTo(1.25, 9); // 1.1 + 0.1 + 0.05
    expect(t.overheadSeconds).toBeCloseTo(1 + 2 + (3 - 1.2) + 4 * 0.5, 9);
    expect(t.seconds).toBeCloseTo(t.overheadSeconds + 100 * 1.25, 9);
    const reported = projectTrainingTime(calibration, {
      steps: 100,
      gradAccum: 1,
      trainedTokensPerBatch: 100,
      evalBatches: 4,
      startupSeconds: 1,
      extraSecondsPerStep: 0.01,
    });
    expect(reported.seconds - t.seconds).toBeCloseTo(100 * 0.01, 9);
  });

  it('spans a fast step (20th percentile) less its margin to a slow one (80th) plus its margin', () => {
    const t = projectTrainingTime(calibration, { steps: 100, gradAccum: 1, trainedTokensPerBatch: 100, evalBatches: 0 });
    // Steps of 1.05, 1.25 and 1.45 s: the 20th percentile is 1.05 + 0.4 × 0.2, the 80th 1.25 + 0.6 × 0.2.
    expect(t.lowSeconds).toBeCloseTo((t.overheadSeconds + 100 * 1.13) * (1 - TIME_RANGE_MARGIN.below), 9);
    expect(t.highSeconds).toBeCloseTo((t.overheadSeconds + 100 * 1.37) * (1 + TIME_RANGE_MARGIN.above), 9);
    expect(t.lowSeconds).toBeLessThan(t.seconds);
    expect(t.highSeconds).toBeGreaterThan(t.seconds);
  });

  it('scales the head by the trained tokens and the micro-batches by accumulation; the update is once a step', () => {
    const half = projectTrainingTime(calibration, { steps: 10, gradAccum: 1, trainedTokensPerBatch: 50, evalBatches: 0 });
    expect(half.secondsPerStep).toBeCloseTo(1.1 + 0.05 + 0.05, 9);
    const accumulated = projectTrainingTime(calibration, { steps: 10, gradAccum: 4, trainedTokensPerBatch: 100, evalBatches: 0 });
    expect(accumulated.secondsPerStep).toBeCloseTo(4 * 1.2 + 0.05, 9);
  });

  it("averages the widths, each by its own median, so each counts as one of the run's batches", () => {
    const widths: TrainingCalibration = {
      ...calibration,
      steps: [
        { width: 64, trainedTokens: 63, blocksSeconds: 0.2, headSeconds: 0, updateSeconds: 0 },
        { width: 64, trainedTokens: 63, blocksSeconds: 0.4, headSeconds: 0, updateSeconds: 0 },
        { width: 512, trainedTokens: 511, blocksSeconds: 3, headSeconds: 0, updateSeconds: 0 },
      ],
    };
    expect(projectTrainingTime(widths, { steps: 10, gradAccum: 1, trainedTokensPerBatch: 100, evalBatches: 0 }).secondsPerStep).toBeCloseTo((0.3 + 3) / 2, 9);
  });

  it('refuses a calibration without a timed step', () => {
    expect(() => projectTrainingTime({ ...calibration, steps: [] }, { steps: 1, gradAccum: 1, trainedTokensPerBatch: 1, evalBatches: 0 })).toThrow(
      /no timed step/,
    );
  });
});

describe('calibrated estimate on the demo model shape', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-time-estimate-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  // The app's demo model (model-service.ts).
  const modelDir = makeTinyModel({
    arch: 'llama',
    outDir: path.join(root, 'model'),
    hiddenSize: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediateSize: 128,
    maxPositionEmbeddings: 1024,
    seed: 7,
  }).dir;
  const config = readModelConfig(modelDir);
  const settings = { method: 'qlora' as const, lora: { r: 16, targetModules: 'all-linear', dropout: 0.05 }, batchSize: 1, seqLen: 64 };
  const steps = 150;
  const records = Array.from({ length: 40 }, (_, i) => ({
    kind: 'text' as const,
    text: `Record ${i}: the cat sat on the mat and the dog ran to the park. `.repeat(3 + (i % 5)),
  }));

  /** A calibration, then a real run right after it: the run's time over the projected time. */
  async function calibrateThenRun(attempt: number): Promise<{ actual: number; projected: number }> {
    const calibration = await calibrateTraining({
      config,
      method: settings.method,
      lora: settings.lora,
      batchSize: settings.batchSize,
      widths: [settings.seqLen],
    });
    expect(calibration.steps.length).toBeGreaterThanOrEqual(3);
    expect(calibration.steps.every((s) => s.width === settings.seqLen && s.trainedTokens === settings.seqLen - 1)).toBe(true);
    // Raw text trains every token of its rows, each padded to seqLen: about as many as the calibration's.
    const projected = projectTrainingTime(calibration, { steps, gradAccum: 1, trainedTokensPerBatch: settings.seqLen - 1, evalBatches: 0 });
    const started = performance.now();
    const report = { progress: () => {}, metric: () => {}, log: () => {}, artifact: () => {} };
    await trainLora(
      {
        modelDir,
        method: settings.method,
        lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: 'all-linear' },
        seed: 1,
        optimizer: { kind: 'adamw' },
        learningRate: 1e-3,
        scheduler: 'constant',
        maxSteps: steps,
        batchSize: 1,
        gradAccum: 1,
        maxGradNorm: 1,
        seqLen: settings.seqLen,
        train: { records },
        trainOn: 'all',
        outputDir: path.join(root, `run-${attempt}`),
      },
      { signal: new AbortController().signal, report },
    );
    return { actual: (performance.now() - started) / 1000, projected: projected.seconds };
  }

  it('projects a real short run within a factor of 2, where the FLOP-only estimate is far below it', async () => {
    let r = await calibrateThenRun(1);
    // Other test files share the two cores: a burst of their work during one half of the pair
    // and not the other skews it, so a pair that misses is taken once more.
    if (!(r.actual / r.projected > 0.5 && r.actual / r.projected < 2)) r = await calibrateThenRun(2);
    const what = `measured estimate ${r.projected.toFixed(2)} s, actual ${r.actual.toFixed(2)} s`;
    expect(r.actual / r.projected, what).toBeGreaterThan(0.5);
    expect(r.actual / r.projected, what).toBeLessThan(2);

    // The estimate it replaces: FLOPs over a GEMM rate (100 GFLOP/s is what the app assumes before a system check).
    const targets = resolveLoraTargets(config, createLoraConfig({ r: 16, loraAlpha: 32, targetModules: 'all-linear' }));
    const flopOnly = estimateTraining({
      config,
      method: 'qlora',
      rank: 16,
      targets,
      batchSize: 1,
      gradAccum: 1,
      seqLen: settings.seqLen,
      meanRowTokens: settings.seqLen - 1,
      steps,
      gemmGflops: 100,
    });
    expect(r.actual / flopOnly.totalSeconds, `FLOP-only estimate ${flopOnly.totalSeconds.toFixed(3)} s, actual ${r.actual.toFixed(2)} s`).toBeGreaterThan(2);
  });
});

describe('calibrateTraining', () => {
  it('times steps of a Gemma 3 model with its features (the trainer is fed its q/k and sandwich norms, sliding layer and local RoPE)', async () => {
    const config = familyConfig('gemma3_text');
    const calibration = await calibrateTraining({
      config,
      method: 'qlora',
      lora: { r: 2, targetModules: 'all-linear', dropout: 0 },
      batchSize: 1,
      widths: [8],
      minTimedSteps: 1,
      minTimedSeconds: 0,
      maxTimedSteps: 1,
      warmupSeconds: 0,
    });
    expect(calibration.steps).toHaveLength(1);
    expect(calibration.steps[0]).toMatchObject({ width: 8, trainedTokens: 7 });
  });
});
