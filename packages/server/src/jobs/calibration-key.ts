/**
 * Keys for what the training time estimate remembers:
 * - a calibration's: the model's shape and the settings that change a step's time, on this
 *   machine (CPU model and cores) and this version of the measurement;
 * - a fine-tune's settings: everything the user chose, with the dataset versions it resolves
 *   to, so the estimate shown in the review is found again when the same settings launch.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { ModelConfig } from '@qlora-studio/engine';
import type { ResolvedTrainJobConfig } from './train-config.js';

/** Bump when what a calibration measures changes, so older measurements are taken again. */
const CALIBRATION_FORMAT = 1;

/** All that makes one training step slower or faster, and nothing else (not the learning rate, not the data). */
export interface CalibrationShape {
  /** The sizes, and the family with the features that add work to a step (q/k norms, Gemma's extra norms). */
  model: Pick<
    ModelConfig,
    | 'architecture'
    | 'hiddenSize'
    | 'intermediateSize'
    | 'numLayers'
    | 'numHeads'
    | 'numKvHeads'
    | 'headDim'
    | 'vocabSize'
    | 'qkvBias'
    | 'qkNorm'
    | 'sandwichNorms'
  >;
  method: 'qlora' | 'lora';
  r: number;
  /** The adapted module paths, sorted. */
  targets: string[];
  /** Dropout draws masks each step; its rate does not change the time. */
  dropout: boolean;
  batchSize: number;
  /** Widths the steps run at, sorted: a micro-batch is as wide as its longest row (at most the sequence length). */
  widths: number[];
}

export function calibrationShape(
  model: ModelConfig,
  settings: { method: 'qlora' | 'lora'; r: number; targets: readonly string[]; dropout: number; batchSize: number; widths: readonly number[] },
): CalibrationShape {
  const { architecture, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize, qkvBias, qkNorm, sandwichNorms } = model;
  return {
    model: { architecture, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize, qkvBias, qkNorm, sandwichNorms },
    method: settings.method,
    r: settings.r,
    targets: [...settings.targets].sort(),
    dropout: settings.dropout > 0,
    batchSize: settings.batchSize,
    widths: [...settings.widths].sort((a, b) => a - b),
  };
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The machine a measurement holds for: a workspace copied to another computer measures again. */
function machine(): { cpu: string; cores: number } {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length };
}

export function calibrationKey(shape: CalibrationShape): string {
  return sha256(stableJson({ format: CALIBRATION_FORMAT, machine: machine(), shape }));
}

/** The user's settings of a resolved train job, with the dataset versions and model folder they name. */
export function trainConfigKey(config: ResolvedTrainJobConfig): string {
  const { resolved, ...chosen } = config;
  return sha256(
    stableJson({
      chosen: { ...chosen, datasetVersion: resolved.dataset.version },
      modelDir: resolved.modelDir,
      validationVersion: resolved.validationDataset?.version ?? null,
    }),
  );
}
