/**
 * A run's training time from a calibration (`calibrate.ts`): measured seconds per step × steps,
 * plus what happens once (building the trainer, the slow first step, evaluations), given as a
 * range rather than one number, because a measured step still varies with what else the
 * machine does.
 *
 * The range: its low end takes the fastest calibration step less `TIME_RANGE_MARGIN.below`,
 * its high end the slowest plus `TIME_RANGE_MARGIN.above`. The margin is lopsided on purpose:
 * a long run meets more interruptions (other programs, thermal limits, a busy disk at
 * checkpoints) than a few seconds of calibration, so it rarely runs faster than measured.
 */
import type { TrainingCalibration } from './calibrate.js';

/** Fractions added below the fastest and above the slowest measured step. */
export const TIME_RANGE_MARGIN = { below: 0.1, above: 0.25 } as const;

export interface TrainingPlan {
  /** Optimizer steps of the run. */
  steps: number;
  /** Micro-batches per optimizer step. */
  gradAccum: number;
  /** Trained tokens of one micro-batch in the run; the head's time scales with them. */
  trainedTokensPerBatch: number;
  /** Evaluation batches over the whole run (passes × batches per pass). */
  evalBatches: number;
  /** Seconds before training starts besides building the trainer (starting a process, reading data). */
  startupSeconds?: number;
}

export interface TrainingTimeRange {
  /** The typical (median) measured optimizer step, scaled to the run's trained tokens and accumulation. */
  secondsPerStep: number;
  /** What is paid once: startup, the trainer's setup, the slow first step, and every evaluation. */
  overheadSeconds: number;
  /** overhead + steps × secondsPerStep. */
  seconds: number;
  lowSeconds: number;
  highSeconds: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Project a calibration onto a run. Throws on a calibration without timed steps. */
export function projectTrainingTime(c: TrainingCalibration, plan: TrainingPlan): TrainingTimeRange {
  if (c.steps.length === 0) throw new Error('projectTrainingTime: the calibration has no timed step.');
  const headScale = c.trainedTokens > 0 ? Math.max(0, plan.trainedTokensPerBatch) / c.trainedTokens : 1;
  const micro = (s: TrainingCalibration['steps'][number]): number => s.blocksSeconds + s.headSeconds * headScale;
  const perStep = c.steps.map((s) => plan.gradAccum * micro(s) + s.updateSeconds);
  const typical = median(perStep);
  const typicalMicro = median(c.steps.map(micro));
  const overhead = (plan.startupSeconds ?? 0) + c.setupSeconds + Math.max(0, c.warmupSeconds - typicalMicro) + plan.evalBatches * c.evalSeconds;
  const total = (stepSeconds: number): number => overhead + plan.steps * stepSeconds;
  return {
    secondsPerStep: typical,
    overheadSeconds: overhead,
    seconds: total(typical),
    lowSeconds: total(Math.min(...perStep)) * (1 - TIME_RANGE_MARGIN.below),
    highSeconds: total(Math.max(...perStep)) * (1 + TIME_RANGE_MARGIN.above),
  };
}
