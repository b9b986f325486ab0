/**
 * A train job's config as the server queues it and the worker reads it: the user's settings plus
 * what the server resolved (ids → files and folders). Shared by both sides of the process
 * boundary, so it imports nothing of either.
 */
import type { DatasetFormat, DatasetParseOptions, TrainJobConfig } from '@qlora-studio/contracts';
import { seededRng, type TrainLoraOptions, type TrainingDataSource } from '@qlora-studio/engine';

/** A dataset version as the worker reads it. */
export interface ResolvedDataset {
  id: string;
  name: string;
  version: number;
  file: string;
  parseOptions: DatasetParseOptions;
  /** The layout the version was read with (null: not recognised). */
  format?: DatasetFormat | null;
}

/** What the server resolved when the job was queued: ids → files and folders. */
export interface TrainJobResolved {
  modelDir: string;
  modelName: string;
  dataset: ResolvedDataset;
  validationDataset: ResolvedDataset | null;
  /** Where the adapter, its checkpoints and training_summary.json go. */
  outputDir: string;
  /** A checkpoint folder to continue from (a resumed job); it is inside `outputDir`. */
  resumeFrom?: string;
}

export type ResolvedTrainJobConfig = TrainJobConfig & { resolved: TrainJobResolved };

/** The engine's options for a train job config; `data` is given once the records are read. */
export function trainLoraOptions(
  config: TrainJobConfig,
  resolved: TrainJobResolved,
  data: { train: TrainingDataSource; eval?: TrainingDataSource },
): TrainLoraOptions {
  return {
    modelDir: resolved.modelDir,
    method: config.method,
    lora: {
      r: config.lora.r,
      alpha: config.lora.alpha,
      dropout: config.lora.dropout,
      targetModules: config.lora.targetModules,
      useRslora: config.lora.useRslora,
    },
    seed: config.seed,
    optimizer: config.optimizer === 'adamw' ? { kind: 'adamw', weightDecay: config.weightDecay } : { kind: 'sgd', weightDecay: config.weightDecay },
    learningRate: config.learningRate,
    scheduler: config.scheduler,
    warmupSteps: config.warmupSteps,
    ...(config.maxSteps !== undefined ? { maxSteps: config.maxSteps } : { epochs: config.epochs }),
    batchSize: config.batchSize,
    gradAccum: config.gradAccum,
    maxGradNorm: config.maxGradNorm,
    seqLen: config.seqLen,
    train: data.train,
    ...(data.eval ? { eval: data.eval } : {}),
    ...(config.evalEvery !== undefined ? { evalEvery: config.evalEvery } : {}),
    ...(config.checkpointEvery !== undefined ? { checkpointEvery: config.checkpointEvery } : {}),
    ...(config.earlyStoppingPatience !== undefined ? { earlyStoppingPatience: config.earlyStoppingPatience } : {}),
    trainOn: config.trainOn,
    ...(config.promptTemplate ? { promptTemplate: config.promptTemplate } : {}),
    packing: config.packing,
    outputDir: resolved.outputDir,
    ...(resolved.resumeFrom ? { resumeFrom: resolved.resumeFrom } : {}),
  };
}

/**
 * Indices 0…n−1 split into train and held-out by a seeded shuffle (the same split for the same
 * seed). Here, not in the worker, because a benchmark over a fine-tune's held-out rows (see
 * evaluate-config.ts) must select them with this very function.
 */
export function splitIndices(n: number, ratio: number, seed: number): { train: number[]; held: number[] } {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = seededRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const heldCount = Math.min(n - 1, Math.max(1, Math.round(n * ratio)));
  const held = order.slice(0, heldCount).sort((a, b) => a - b);
  const heldSet = new Set(held);
  return { train: order.filter((i) => !heldSet.has(i)).sort((a, b) => a - b), held };
}
