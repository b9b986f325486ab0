/**
 * How fast this machine trains a model of a given shape, measured: a few real (Q)LoRA steps of
 * `LoraTrainer` on random weights of that shape, with the run's method, LoRA rank, targets,
 * dropout, batch size and sequence length.
 *
 * Why measure rather than count FLOPs (`estimate.ts`): small models spend most of a step in
 * per-run and per-op overhead (ORT session runs, feeds, masks, the optimizer's JS loops), which
 * no FLOP rate predicts: a step of the demo or stories260K shape takes 3–6× what its FLOPs
 * say on the dev machine, and a whole run more (setup). Timed steps include all of it. The weights' values do not change the time, so random ones of the
 * same shape stand in for the real model, and one measurement serves every run of that shape.
 *
 * What the data changes: a micro-batch runs as wide as its longest row (`stepBatchOf` cuts the
 * padding all rows share), and a small model's step grows faster than its width (attention), so
 * steps are timed at the widths the run's batches will have (`widths`, taken in turn); and the
 * head runs on trained rows only, so its time is kept apart for a projection to scale by the
 * run's trained tokens (`time-estimate.ts`).
 */
import os from 'node:os';
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import { createLoraConfig } from '../io/peft.js';
import { randomWeight } from '../model/random-weights.js';
import { throwIfAborted } from '../jobs/reporter.js';
import { seededRng } from '../util/random.js';
import { GradAccumulator } from './clip.js';
import { IGNORE_INDEX } from './labels.js';
import { initLoraAdapter } from './lora-init.js';
import { adamWOptions, Optimizer } from './optimizer.js';
import { LoraTrainer, type StepBatch, type TrainMethod } from './train-step.js';

export interface TrainingCalibrationInput {
  config: ModelConfig;
  method: TrainMethod;
  lora: { r: number; targetModules: string[] | string; dropout: number };
  batchSize: number;
  /** Micro-batch widths (tokens per row) to time, in turn: e.g. a few quantiles of the run's. */
  widths: number[];
  /**
   * Timed steps after the warm-up: at least `minTimedSteps` (default 3, and at least one per
   * width), more while they add up to under `minTimedSeconds` (default 2: fast steps are noisy,
   * so a small model times many), at most `maxTimedSteps` (default 60); none starts after
   * `budgetSeconds` (default 30) of them.
   */
  minTimedSteps?: number;
  minTimedSeconds?: number;
  maxTimedSteps?: number;
  budgetSeconds?: number;
  /**
   * Untimed steps first, one per width at least, more while they add up to under this many
   * seconds (default 1, at most 20 steps). A fresh process runs its first steps slower
   * (JavaScript not yet compiled, ORT planning memory for a new width), which a long run soon
   * leaves behind; timing them would overstate a small model's step.
   */
  warmupSeconds?: number;
  intraOpNumThreads?: number;
  activationBudgetBytes?: number;
  signal?: AbortSignal;
}

/** One timed micro-step, in seconds. */
export interface CalibrationStep {
  /** Tokens per row of its batch. */
  width: number;
  /** Trained rows of its batch (every position but the last of each row). */
  trainedTokens: number;
  /** Block forwards and backwards, with the batch's preparation: independent of the trained rows. */
  blocksSeconds: number;
  /** The head (loss and its gradient) over its trained rows. */
  headSeconds: number;
  /** Gradient accumulation, clipping and the AdamW update (once per optimizer step). */
  updateSeconds: number;
}

export interface TrainingCalibration {
  /** Building the trainer: NF4 quantization (qlora) and graph sessions. */
  setupSeconds: number;
  /** The first step, slower than the rest while ORT plans its memory. */
  warmupSeconds: number;
  /** Untimed steps run before the timed ones (the first included). */
  warmupSteps: number;
  steps: CalibrationStep[];
  /** One evaluation batch at each width, on average (forward and head, no gradients). */
  evalSeconds: number;
  savedActivations: boolean;
  /**
   * The share of the machine's CPU time (0–1) that other processes used during the timed
   * steps. ONNX Runtime's thread pool slows down far more than in proportion when its cores are
   * busy with other work (5× was seen at a load of 7 on 2 cores), so a measurement taken then
   * is no guide to a quiet machine: callers should say so and measure again later.
   */
  otherCpuShare: number;
}

export type CalibrationProgress = { phase: 'setup' } | { phase: 'warmup'; step: number } | { phase: 'step'; step: number; total: number } | { phase: 'eval' };

/** CPU milliseconds of the whole machine: busy (all but idle) and in all. */
function machineCpu(): { busy: number; all: number } {
  let busy = 0;
  let all = 0;
  for (const { times } of os.cpus()) {
    const b = times.user + times.nice + times.sys + times.irq;
    busy += b;
    all += b + times.idle;
  }
  return { busy, all };
}

/** What other processes used of the machine between `since` and now (see `otherCpuShare`). */
function otherShareSince(since: { machine: { busy: number; all: number }; own: NodeJS.CpuUsage }): number {
  const machine = machineCpu();
  const own = process.cpuUsage(since.own);
  const all = machine.all - since.machine.all;
  if (all <= 0) return 0;
  const others = machine.busy - since.machine.busy - (own.user + own.system) / 1000;
  return Math.min(1, Math.max(0, others / all));
}

/** A batch of B rows of T random tokens, each one sequence, every position but the last trained (also the training bench's). */
export function calibrationBatch(config: ModelConfig, B: number, T: number, seed = 7): StepBatch {
  const rng = seededRng(seed);
  const ids = Array.from({ length: B * T }, () => Math.floor(rng() * config.vocabSize));
  return {
    batchSize: B,
    seqLen: T,
    inputIds: ids,
    labels: ids.map((_, i) => ((i + 1) % T === 0 ? IGNORE_INDEX : ids[i + 1]!)),
    positionIds: ids.map((_, i) => i % T),
    segmentIds: ids.map(() => 0),
  };
}

/** Measure training steps at each width in turn (after a warm-up; see `minTimedSteps`) and evaluation batches. */
export async function calibrateTraining(
  input: TrainingCalibrationInput,
  onProgress: (p: CalibrationProgress) => void = () => {},
): Promise<TrainingCalibration> {
  const { config, method, batchSize: B } = input;
  const widths = [...new Set(input.widths)];
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 2))
    throw new EngineError('INVALID_ARGUMENT', `Calibration widths must be whole numbers ≥ 2, not ${JSON.stringify(input.widths)}.`);
  const minSteps = Math.max(widths.length, input.minTimedSteps ?? 3);
  const maxSteps = Math.max(minSteps, input.maxTimedSteps ?? 60);
  const minSeconds = input.minTimedSeconds ?? 2;
  const budgetSeconds = input.budgetSeconds ?? 30;
  const warmupBudget = input.warmupSeconds ?? 1;
  const signal = input.signal ?? new AbortController().signal;
  const seconds = (since: number): number => (performance.now() - since) / 1000;

  onProgress({ phase: 'setup' });
  const lora = createLoraConfig({ r: input.lora.r, loraAlpha: 2 * input.lora.r, targetModules: input.lora.targetModules, loraDropout: input.lora.dropout });
  const adapter = initLoraAdapter(config, lora, 1);
  let t0 = performance.now();
  const trainer = await LoraTrainer.create({
    config,
    getWeight: (name) => randomWeight(config, name),
    adapter,
    method,
    dropout: input.lora.dropout,
    ...(input.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: input.intraOpNumThreads }),
    ...(input.activationBudgetBytes === undefined ? {} : { activationBudgetBytes: input.activationBudgetBytes }),
  });
  const setupSeconds = seconds(t0);
  try {
    const batches = widths.map((w) => calibrationBatch(config, B, w));
    const optimizer = new Optimizer(adamWOptions());
    const accumulator = new GradAccumulator();
    let savedActivations = false;
    let stepIndex = 0;
    /** The next step, at the next width in turn. */
    const runStep = async (): Promise<CalibrationStep & { seconds: number }> => {
      throwIfAborted(signal, 'Calibration');
      const index = stepIndex++;
      const batch = batches[index % batches.length]!;
      const t = performance.now();
      const r = await trainer.step(batch, input.lora.dropout > 0 ? { dropoutSeed: index + 1 } : {});
      const stepSeconds = seconds(t);
      const u = performance.now();
      accumulator.add(r.grads, r.tokens);
      trainer.applyUpdate(accumulator, optimizer, 1e-4, 1);
      const updateSeconds = seconds(u);
      savedActivations ||= r.savedActivations;
      const headSeconds = r.timing.headMs / 1000;
      return {
        width: batch.seqLen,
        trainedTokens: r.tokens,
        blocksSeconds: Math.max(0, stepSeconds - headSeconds),
        headSeconds,
        updateSeconds,
        seconds: stepSeconds + updateSeconds,
      };
    };

    let warmupSeconds = 0;
    let warmupSteps = 0;
    for (let warmedFor = 0; warmupSteps < widths.length || (warmedFor < warmupBudget && warmupSteps < 20);) {
      onProgress({ phase: 'warmup', step: warmupSteps + 1 });
      const step = await runStep();
      if (warmupSteps++ === 0) warmupSeconds = step.seconds;
      warmedFor += step.seconds;
    }
    stepIndex = 0; // timed rounds start at the first width, so every width gets its share
    const steps: CalibrationStep[] = [];
    const timedFrom = { machine: machineCpu(), own: process.cpuUsage() };
    for (let timedFor = 0; steps.length < maxSteps;) {
      onProgress({ phase: 'step', step: steps.length + 1, total: Math.max(steps.length + 1, minSteps) });
      const { seconds: spent, ...step } = await runStep();
      steps.push(step);
      timedFor += spent;
      const wholeRounds = steps.length % widths.length === 0;
      if (wholeRounds && (timedFor >= budgetSeconds || (steps.length >= minSteps && timedFor >= minSeconds))) break;
    }
    const otherCpuShare = otherShareSince(timedFrom);
    throwIfAborted(signal, 'Calibration');
    onProgress({ phase: 'eval' });
    t0 = performance.now();
    for (const batch of batches) await trainer.evaluate(batch);
    return { setupSeconds, warmupSeconds, warmupSteps, steps, evalSeconds: seconds(t0) / batches.length, savedActivations, otherCpuShare };
  } finally {
    await trainer.release();
  }
}
