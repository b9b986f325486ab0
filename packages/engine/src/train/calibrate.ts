/**
 * How fast this machine trains a model of a given shape, measured: a few real (Q)LoRA steps of
 * `LoraTrainer` on random weights of that shape, with the run's method, LoRA rank, targets,
 * dropout, batch size and sequence length.
 *
 * Why measure rather than count FLOPs (`estimate.ts`): small models spend most of a step in
 * per-run and per-op overhead (ORT session runs, feeds, masks, the optimizer's JS loops), which
 * no FLOP rate predicts; a 260K-parameter model trains ~10× slower than its FLOPs say. Timed
 * steps include all of it. The weights' values do not change the time, so random ones of the
 * same shape stand in for the real model, and one measurement serves every run of that shape.
 *
 * Micro-batches are padded to `seqLen` (collate.ts), so a step's time depends on the shape and
 * settings, not on the data, except the head, which runs on trained rows only: its time is kept
 * apart so a projection can scale it by the run's trained tokens (`time-estimate.ts`).
 */
import type { ModelConfig } from '../io/config.js';
import { createLoraConfig } from '../io/peft.js';
import { randomLlamaWeight } from '../model/random-weights.js';
import { throwIfAborted } from '../jobs/reporter.js';
import { seededRng } from '../util/random.js';
import { GradAccumulator } from './clip.js';
import { initLoraAdapter } from './lora-init.js';
import { adamWOptions, Optimizer } from './optimizer.js';
import { LoraTrainer, type StepBatch, type TrainMethod } from './train-step.js';

export interface TrainingCalibrationInput {
  config: ModelConfig;
  method: TrainMethod;
  lora: { r: number; targetModules: string[] | string; dropout: number };
  batchSize: number;
  seqLen: number;
  /** Timed steps after the warm-up (default 3), fewer once `budgetSeconds` of them have run (at least 1). */
  timedSteps?: number;
  /** Seconds of timed steps after which no further one starts (default 20). */
  budgetSeconds?: number;
  intraOpNumThreads?: number;
  activationBudgetBytes?: number;
  signal?: AbortSignal;
}

/** One timed micro-step, in seconds. */
export interface CalibrationStep {
  /** Block forwards and backwards, with the batch's preparation: independent of the trained rows. */
  blocksSeconds: number;
  /** The head (loss and its gradient) over the calibration's trained rows. */
  headSeconds: number;
  /** Gradient accumulation, clipping and the AdamW update (once per optimizer step). */
  updateSeconds: number;
}

export interface TrainingCalibration {
  /** Building the trainer: NF4 quantization (qlora) and graph sessions. */
  setupSeconds: number;
  /** The first step, slower than the rest while ORT plans its memory. */
  warmupSeconds: number;
  steps: CalibrationStep[];
  /** Trained rows of each calibration micro-batch (every position but the last of each row). */
  trainedTokens: number;
  /** One evaluation batch (forward and head, no gradients). */
  evalSeconds: number;
  savedActivations: boolean;
}

export type CalibrationProgress = { phase: 'setup' } | { phase: 'step'; step: number; total: number } | { phase: 'eval' };

/** A batch of B rows of T tokens, each one sequence, every position but the last trained. */
function calibrationBatch(config: ModelConfig, B: number, T: number): StepBatch {
  const rng = seededRng(7);
  const ids = Array.from({ length: B * T }, () => Math.floor(rng() * config.vocabSize));
  return {
    batchSize: B,
    seqLen: T,
    inputIds: ids,
    labels: ids.map((_, i) => ((i + 1) % T === 0 ? -100 : ids[i + 1]!)),
    positionIds: ids.map((_, i) => i % T),
    segmentIds: ids.map(() => 0),
  };
}

/** Measure `timedSteps` training steps (after one warm-up) and one evaluation batch. */
export async function calibrateTraining(input: TrainingCalibrationInput, onProgress: (p: CalibrationProgress) => void = () => {}): Promise<TrainingCalibration> {
  const { config, method, batchSize: B, seqLen: T } = input;
  const timedSteps = Math.max(1, input.timedSteps ?? 3);
  const budgetSeconds = input.budgetSeconds ?? 20;
  const signal = input.signal ?? new AbortController().signal;
  const seconds = (since: number): number => (performance.now() - since) / 1000;

  onProgress({ phase: 'setup' });
  const lora = createLoraConfig({ r: input.lora.r, loraAlpha: 2 * input.lora.r, targetModules: input.lora.targetModules, loraDropout: input.lora.dropout });
  const adapter = initLoraAdapter(config, lora, 1);
  // B starts at zero, so the first update would leave the LoRA branch inert; the time is the same either way.
  let t0 = performance.now();
  const trainer = await LoraTrainer.create({
    config,
    getWeight: (name) => randomLlamaWeight(config, name),
    adapter,
    method,
    dropout: input.lora.dropout,
    ...(input.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: input.intraOpNumThreads }),
    ...(input.activationBudgetBytes === undefined ? {} : { activationBudgetBytes: input.activationBudgetBytes }),
  });
  const setupSeconds = seconds(t0);
  try {
    const batch = calibrationBatch(config, B, T);
    const optimizer = new Optimizer(adamWOptions());
    const accumulator = new GradAccumulator();
    const dropoutSeed = (s: number) => (input.lora.dropout > 0 ? { dropoutSeed: s + 1 } : {});
    const steps: CalibrationStep[] = [];
    let warmupSeconds = 0;
    let trainedTokens = 0;
    let savedActivations = false;
    let timedSoFar = 0;
    for (let s = 0; s <= timedSteps; s++) {
      throwIfAborted(signal, 'Calibration');
      onProgress({ phase: 'step', step: s + 1, total: timedSteps + 1 });
      t0 = performance.now();
      const r = await trainer.step(batch, dropoutSeed(s));
      const stepSeconds = seconds(t0);
      const u0 = performance.now();
      accumulator.add(r.grads, r.tokens);
      trainer.applyUpdate(accumulator, optimizer, 1e-4, 1);
      const updateSeconds = seconds(u0);
      trainedTokens = r.tokens;
      savedActivations = r.savedActivations;
      if (s === 0) {
        warmupSeconds = stepSeconds + updateSeconds;
        continue;
      }
      const headSeconds = r.timing.headMs / 1000;
      steps.push({ blocksSeconds: Math.max(0, stepSeconds - headSeconds), headSeconds, updateSeconds });
      timedSoFar += stepSeconds + updateSeconds;
      if (timedSoFar >= budgetSeconds) break;
    }
    throwIfAborted(signal, 'Calibration');
    onProgress({ phase: 'eval' });
    t0 = performance.now();
    await trainer.evaluate(batch);
    return { setupSeconds, warmupSeconds, steps, trainedTokens, evalSeconds: seconds(t0), savedActivations };
  } finally {
    await trainer.release();
  }
}
