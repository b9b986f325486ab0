/**
 * The train job inside its worker process: read the stored dataset version with the engine,
 * hold out the validation records (a seeded split, or another dataset), and train.
 */
import { readDatasetFile, seededRng, trainLora, type JobContext, type TrainLoraResult } from '@qlora-studio/engine';
import { trainLoraOptions, type ResolvedDataset, type ResolvedTrainJobConfig } from '../train-config.js';

async function validRecords(dataset: ResolvedDataset) {
  const parsed = await readDatasetFile(dataset.file, dataset.parseOptions);
  return parsed.records.filter((r) => r !== null);
}

/** Indices 0…n−1 split into train and held-out by a seeded shuffle (the same split for the same seed). */
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

export async function runTrainJob(config: ResolvedTrainJobConfig, ctx: JobContext): Promise<TrainLoraResult> {
  const { resolved } = config;
  let records = await validRecords(resolved.dataset);
  let evalRecords: typeof records | null = null;
  if (config.validation.kind === 'split') {
    const split = splitIndices(records.length, config.validation.ratio, config.validation.seed);
    evalRecords = split.held.map((i) => records[i]!);
    records = split.train.map((i) => records[i]!);
  } else if (config.validation.kind === 'dataset' && resolved.validationDataset) {
    evalRecords = await validRecords(resolved.validationDataset);
  }
  ctx.report.log(
    'info',
    `Training on ${records.length} records of "${resolved.dataset.name}" v${resolved.dataset.version}${evalRecords ? `, validating on ${evalRecords.length}` : ''}.`,
  );
  return trainLora(trainLoraOptions(config, resolved, { train: { records }, ...(evalRecords ? { eval: { records: evalRecords } } : {}) }), ctx);
}
