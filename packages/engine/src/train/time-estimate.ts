/**
 * A run's training time from a calibration (`calibrate.ts`): measured seconds per step × steps,
 * plus what happens once (building the trainer, the slow first step, evaluations), given as a
 * range rather than one number, because a measured step still varies with what else the
 * machine does. A step is the mean over the calibration's widths (they stand for the run's
 * batches) of the step timed at that width.
 *
 * The range: its low end takes a fast step at each width (the 20th percentile: with a few steps
 * about the fastest, with many not one lucky outlier) less `TIME_RANGE_MARGIN.below`, its high
 * end a slow one (the 80th) plus `TIME_RANGE_MARGIN.above`. The margin is lopsided on purpose:
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
  /** Trained tokens of one micro-batch in the run, on average; the head's time scales with them. */
  trainedTokensPerBatch: number;
  /** Evaluation batches over the whole run (passes × batches per pass). */
  evalBatches: number;
  /** Seconds before training starts besides building the trainer (starting a process, reading data). */
  startupSeconds?: number;
  /** Seconds each step costs outside the trainer (e.g. reporting its metrics). */
  extraSecondsPerStep?: number;
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

/** The q-quantile of `values` (0 ≤ q ≤ 1), interpolating between neighbours. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** The q-quantile of each width's values, averaged over the widths. */
function overWidths(c: TrainingCalibration, value: (s: TrainingCalibration['steps'][number]) => number, q: number): number {
  const byWidth = new Map<number, number[]>();
  for (const s of c.steps) byWidth.set(s.width, [...(byWidth.get(s.width) ?? []), value(s)]);
  return mean([...byWidth.values()].map((values) => quantile(values, q)));
}

/** Project a calibration onto a run. Throws on a calibration without timed steps. */
export function projectTrainingTime(c: TrainingCalibration, plan: TrainingPlan): TrainingTimeRange {
  if (c.steps.length === 0) throw new Error('projectTrainingTime: the calibration has no timed step.');
  // The head's time per trained row, times the run's trained rows.
  const micro = (s: TrainingCalibration['steps'][number]): number =>
    s.blocksSeconds + (s.trainedTokens > 0 ? (s.headSeconds / s.trainedTokens) * Math.max(0, plan.trainedTokensPerBatch) : s.headSeconds);
  const step = (s: TrainingCalibration['steps'][number]): number => plan.gradAccum * micro(s) + s.updateSeconds + (plan.extraSecondsPerStep ?? 0);
  const typical = overWidths(c, step, 0.5);
  const typicalMicro = overWidths(c, micro, 0.5);
  const overhead = (plan.startupSeconds ?? 0) + c.setupSeconds + Math.max(0, c.warmupSeconds - typicalMicro) + plan.evalBatches * c.evalSeconds;
  const total = (stepSeconds: number): number => overhead + plan.steps * stepSeconds;
  return {
    secondsPerStep: typical,
    overheadSeconds: overhead,
    seconds: total(typical),
    lowSeconds: total(overWidths(c, step, 0.2)) * (1 - TIME_RANGE_MARGIN.below),
    highSeconds: total(overWidths(c, step, 0.8)) * (1 + TIME_RANGE_MARGIN.above),
  };
}
