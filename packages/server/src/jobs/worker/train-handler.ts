/**
 * The train job inside its worker process: read the stored dataset version with the engine,
 * hold out the validation records (a seeded split, or another dataset), and train.
 */
import { readDatasetFile, trainLora, type JobContext, type TrainLoraResult } from '@qlora-studio/engine';
import { splitIndices, trainLoraOptions, type ResolvedDataset, type ResolvedTrainJobConfig } from '../train-config.js';

async function validRecords(dataset: ResolvedDataset) {
  const parsed = await readDatasetFile(dataset.file, dataset.parseOptions);
  return parsed.records.filter((r) => r !== null);
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
