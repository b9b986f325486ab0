/**
 * Queuing a train job: the config names a model and datasets by id; here they become the
 * folders and files the worker reads, and every setting the engine can check without loading
 * weights is checked, so a bad config is refused before anything is queued.
 */
import path from 'node:path';
import { ApiError, type TrainJobConfig } from '@qlora-studio/contracts';
import { checkLoraTrainingConfig, checkTrainLoraOptions, createLoraConfig, EngineError, readModelConfig, resolveLoraTargets } from '@qlora-studio/engine';
import type { Db } from '../store/database.js';
import { getDatasetOrThrow, getVersionOrThrow } from '../store/datasets-repo.js';
import { getModelOrThrow } from '../store/models-repo.js';
import { newId } from '../store/rows.js';
import { trainLoraOptions, type ResolvedDataset, type ResolvedTrainJobConfig } from './train-handler.js';

function dataset(db: Db, id: string, version: number | undefined, role: string): ResolvedDataset {
  const d = getDatasetOrThrow(db, id);
  const v = getVersionOrThrow(db, id, version);
  if (v.valid === 0) throw new ApiError('TRAIN_CONFIG_INVALID', `The ${role} dataset "${d.name}" v${v.version} has no valid record: open its validation report and fix the file.`);
  return { id, name: d.name, version: v.version, file: v.filePath, parseOptions: v.parseOptions };
}

export function resolveTrainJob(db: Db, workspace: string, config: TrainJobConfig): ResolvedTrainJobConfig {
  const model = getModelOrThrow(db, config.modelId);
  const resolved = {
    modelDir: model.path,
    modelName: model.name,
    dataset: dataset(db, config.datasetId, config.datasetVersion, 'training'),
    validationDataset: config.validation.kind === 'dataset' ? dataset(db, config.validation.datasetId, config.validation.datasetVersion, 'validation') : null,
    outputDir: path.join(workspace, 'adapters', newId('adapter')),
  };
  if (config.validation.kind === 'split' && resolved.dataset.version && getVersionOrThrow(db, config.datasetId, resolved.dataset.version).valid < 2) {
    throw new ApiError('TRAIN_CONFIG_INVALID', 'A validation split needs at least 2 valid records; choose "none" or another dataset.');
  }
  try {
    const hasEval = config.validation.kind !== 'none';
    checkTrainLoraOptions(trainLoraOptions(config, resolved, { train: { records: [] }, ...(hasEval ? { eval: { records: [] } } : {}) }));
    const modelConfig = readModelConfig(model.path);
    if (config.seqLen > modelConfig.maxPositionEmbeddings) {
      throw new ApiError('TRAIN_CONFIG_INVALID', `Sequence length ${config.seqLen} is over the model's limit of ${modelConfig.maxPositionEmbeddings} positions.`);
    }
    const lora = createLoraConfig({ r: config.lora.r, loraAlpha: config.lora.alpha, loraDropout: config.lora.dropout, targetModules: config.lora.targetModules, useRslora: config.lora.useRslora, baseModelNameOrPath: model.path });
    checkLoraTrainingConfig(lora);
    resolveLoraTargets(modelConfig, lora);
  } catch (error) {
    if (error instanceof EngineError) throw new ApiError('TRAIN_CONFIG_INVALID', error.message);
    throw error;
  }
  return { ...config, resolved };
}
