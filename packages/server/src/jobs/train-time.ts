/**
 * The time part of the estimate before launch: this machine's measured speed for the model's
 * shape and settings (TrainingCalibrator) projected onto the run (`projectTrainingTime`), or,
 * only when it cannot be measured, the FLOP count over the GEMM rate, labelled rough.
 *
 * A micro-batch runs as wide as its longest row, not the sequence length (`stepBatchOf` cuts
 * the padding every row shares), so the speed is measured at widths that stand for this
 * dataset's batches (`batchWidths`).
 */
import type { TokenStats, TrainingCalibrationStatus, TrainingTime, TrainJobConfig } from '@qlora-studio/contracts';
import { projectTrainingTime, type ModelConfig } from '@qlora-studio/engine';
import { calibrationShape } from './calibration-key.js';
import type { TrainingCalibrator } from './calibrator.js';

/**
 * A FLOP count misses per-step overhead, which is most of a small model's step: the rough
 * range runs from the count itself (nothing is faster) to this many times it.
 */
export const ROUGH_SPREAD = 4;

/**
 * What a fine-tune's worker does that the calibration does not, measured on the dev machine
 * (2 cores) with the demo model, where it is a third of the run; for larger models it is noise:
 * - reading and tokenizing the records (chat templates rendered, then BPE): ~200k tokens/s;
 * - reporting each step (six metrics, progress and a log line, each stored and published by
 *   the server, which shares the cores): ~5 ms a step.
 */
export const TOKENIZE_TOKENS_PER_SECOND = 200_000;
export const REPORTING_SECONDS_PER_STEP = 0.005;

/** Widths are rounded up to a multiple of this many tokens, so similar datasets share a measurement. */
export const WIDTH_STEP = 32;

/** Where the timed steps stand for the run's batches: these quantiles of their widths. */
const WIDTH_QUANTILES = [1 / 6, 3 / 6, 5 / 6];

/**
 * The widths to time, standing for the run's micro-batches: quantiles of the longest of
 * `batchSize` rows drawn from the dataset's token lengths (each cut at `seqLen`; P(max ≤ w) =
 * F(w)^B over the length histogram's bins, at their middles), rounded up to `WIDTH_STEP` and
 * never past `seqLen`. Packed rows are nearly full, and without token statistics nothing better
 * is known: `[seqLen]`.
 */
export function batchWidths(tokens: TokenStats | null, seqLen: number, batchSize: number, packing: boolean): number[] {
  const total = tokens?.histogram.reduce((n, bin) => n + bin.count, 0) ?? 0;
  if (!tokens || packing || total === 0) return [seqLen];
  const round = (w: number) => Math.min(seqLen, Math.max(Math.min(WIDTH_STEP, seqLen), Math.ceil(w / WIDTH_STEP) * WIDTH_STEP));
  const widths = new Set<number>();
  for (const q of WIDTH_QUANTILES) {
    let below = 0;
    for (const bin of tokens.histogram) {
      below += bin.count;
      if ((below / total) ** batchSize >= q - 1e-12) {
        widths.add(round(Math.min(seqLen, (bin.start + bin.end) / 2)));
        break;
      }
    }
  }
  return [...widths].sort((a, b) => a - b);
}

export interface TrainTimeInput {
  calibrator: TrainingCalibrator;
  model: ModelConfig;
  config: TrainJobConfig;
  /** The adapted module paths. */
  targets: readonly string[];
  /** Widths (tokens per row) that stand for the run's micro-batches (`batchWidths`). */
  widths: number[];
  steps: number;
  /** Trained tokens of one micro-batch of the run, on average. */
  trainedTokensPerBatch: number;
  /** Evaluation batches over the whole run. */
  evalBatches: number;
  /** Tokens of the records the worker reads and tokenizes before training (training and validation). */
  dataTokens: number;
  /** The FLOP-based time of the whole run (estimateTraining). */
  roughSeconds: number;
  /** Why the speed must not be measured now (e.g. too little free memory), or null. */
  cannotMeasure: string | null;
}

export interface TrainTime {
  time: TrainingTime;
  calibration: TrainingCalibrationStatus;
  /** Measured on a busy machine, so likely slower than this machine is when quiet. */
  contended: boolean;
}

function rough(roughSeconds: number, steps: number): TrainingTime {
  return {
    basis: 'rough',
    seconds: roughSeconds,
    lowSeconds: roughSeconds,
    highSeconds: roughSeconds * ROUGH_SPREAD,
    secondsPerStep: roughSeconds / Math.max(1, steps),
    steps,
    measuredAt: null,
  };
}

export function trainTime(input: TrainTimeInput): TrainTime {
  const { config } = input;
  if (input.cannotMeasure)
    return {
      time: rough(input.roughSeconds, input.steps),
      calibration: { state: 'unavailable', message: input.cannotMeasure, fraction: null, measuredWhileBusy: false },
      contended: false,
    };
  const settings = {
    method: config.method,
    r: config.lora.r,
    targets: input.targets,
    dropout: config.lora.dropout,
    batchSize: config.batchSize,
    widths: input.widths,
  };
  const state = input.calibrator.request(calibrationShape(input.model, settings), {
    config: input.model,
    method: config.method,
    lora: { r: config.lora.r, targetModules: [...input.targets], dropout: config.lora.dropout },
    batchSize: config.batchSize,
    widths: input.widths,
  });
  if (state.state === 'measuring')
    return {
      time: rough(input.roughSeconds, input.steps),
      calibration: { state: 'measuring', message: state.message, fraction: state.fraction, measuredWhileBusy: false },
      contended: false,
    };
  if (state.state === 'unavailable')
    return {
      time: rough(input.roughSeconds, input.steps),
      calibration: { state: 'unavailable', message: state.reason, fraction: null, measuredWhileBusy: false },
      contended: false,
    };
  const { stored } = state;
  const range = projectTrainingTime(stored.calibration, {
    steps: input.steps,
    gradAccum: config.gradAccum,
    trainedTokensPerBatch: input.trainedTokensPerBatch,
    evalBatches: input.evalBatches,
    startupSeconds: stored.startupSeconds + input.dataTokens / TOKENIZE_TOKENS_PER_SECOND,
    extraSecondsPerStep: REPORTING_SECONDS_PER_STEP,
  });
  return {
    time: {
      basis: 'measured',
      seconds: range.seconds,
      lowSeconds: range.lowSeconds,
      highSeconds: range.highSeconds,
      secondsPerStep: range.secondsPerStep,
      steps: input.steps,
      measuredAt: stored.measuredAt,
    },
    calibration: { state: 'measured', message: null, fraction: null, measuredWhileBusy: stored.contended },
    contended: stored.contended,
  };
}
