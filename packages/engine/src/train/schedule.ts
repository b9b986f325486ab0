/**
 * Learning-rate schedules as transformers' `get_constant_schedule_with_warmup`,
 * `get_linear_schedule_with_warmup` and `get_cosine_schedule_with_warmup` (num_cycles 0.5)
 * compute them (transformers/src/transformers/optimization.py), formula for formula in float64.
 *
 * Step numbering as HF Trainer: the optimizer update with index k (0-based) uses
 * `multiplier(k)`, because LambdaLR evaluates the lambda at 0 on construction and the Trainer
 * calls `scheduler.step()` after each `optimizer.step()`. So with warmup the first update has
 * learning rate 0, exactly as in HF.
 */
import { EngineError } from '../errors.js';

export const LR_SCHEDULE_KINDS = ['constant', 'linear', 'cosine'] as const;
export type LrScheduleKind = (typeof LR_SCHEDULE_KINDS)[number];

export interface LrSchedule {
  kind: LrScheduleKind;
  /** Updates during which the multiplier rises linearly from 0. */
  warmupSteps: number;
  /** All optimizer updates of the run (ignored by 'constant'). */
  totalSteps: number;
}

/** A checked schedule. */
export function lrSchedule(kind: LrScheduleKind, warmupSteps: number, totalSteps: number): LrSchedule {
  if (!LR_SCHEDULE_KINDS.includes(kind)) {
    throw new EngineError('INVALID_ARGUMENT', `Unknown LR schedule ${JSON.stringify(kind)}; use one of ${LR_SCHEDULE_KINDS.join(', ')}.`);
  }
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
    throw new EngineError('INVALID_ARGUMENT', `warmupSteps must be a whole number ≥ 0, not ${JSON.stringify(warmupSteps)}.`);
  }
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new EngineError('INVALID_ARGUMENT', `totalSteps must be a whole number ≥ 1, not ${JSON.stringify(totalSteps)}.`);
  }
  return { kind, warmupSteps, totalSteps };
}

/** HF TrainingArguments.get_warmup_steps: explicit steps win, else ⌈ratio · total⌉. */
export function warmupStepsFor(totalSteps: number, warmupRatio: number, warmupSteps = 0): number {
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
    throw new EngineError('INVALID_ARGUMENT', `warmupRatio must be in [0, 1], not ${JSON.stringify(warmupRatio)}.`);
  }
  return warmupSteps > 0 ? warmupSteps : Math.ceil(totalSteps * warmupRatio);
}

/** The multiplier of the base learning rate for update `step` (0-based). */
export function lrMultiplier(schedule: LrSchedule, step: number): number {
  const { kind, warmupSteps: warmup, totalSteps: total } = schedule;
  if (step < warmup) return step / Math.max(1, warmup);
  switch (kind) {
    case 'constant':
      return 1;
    case 'linear':
      return Math.max(0, (total - step) / Math.max(1, total - warmup));
    case 'cosine': {
      const numCycles = 0.5;
      const progress = (step - warmup) / Math.max(1, total - warmup);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress)));
    }
  }
}

/** LambdaLR's learning rate: base lr × multiplier, in float64 as Python computes it. */
export function scheduledLr(baseLr: number, schedule: LrSchedule, step: number): number {
  return baseLr * lrMultiplier(schedule, step);
}
