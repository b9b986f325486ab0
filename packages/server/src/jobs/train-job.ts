/**
 * Queuing a train job: the config names a model and datasets by id; here they become the
 * folders and files the worker reads, and every setting the engine can check without loading
 * weights is checked, so a bad config is refused before anything is queued.
 */
import path from 'node:path';
import { ApiError, type BaseModel, type TrainJobConfig } from '@qlora-studio/contracts';
import { checkLoraTrainingConfig, checkTrainLoraOptions, createLoraConfig, EngineError, readModelConfig, resolveLoraTargets } from '@qlora-studio/engine';
import type { Db } from '../store/database.js';
import { getDatasetOrThrow, getVersionOrThrow } from '../store/datasets-repo.js';
import { getModelOrThrow } from '../store/models-repo.js';
import { newId } from '../store/rows.js';
import { trainLoraOptions, type ResolvedDataset, type ResolvedTrainJobConfig } from './train-config.js';

function dataset(db: Db, id: string, version: number | undefined, role: string): ResolvedDataset {
  const d = getDatasetOrThrow(db, id);
  const v = getVersionOrThrow(db, id, version);
  if (v.valid === 0)
    throw new ApiError(
      'TRAIN_CONFIG_INVALID',
      `The ${role} dataset "${d.name}" v${v.version} has no valid record: open its validation report and fix the file.`,
    );
  return { id, name: d.name, version: v.version, file: v.filePath, parseOptions: v.parseOptions, format: v.format };
}

/**
 * Chats (and instruction or question/answer records, which are read as chats) are written out by
 * a chat template: refuse a job that would need one the model does not have, naming the fix.
 */
function checkPromptTemplate(model: BaseModel, config: TrainJobConfig, datasets: (ResolvedDataset | null)[]): void {
  const own = config.promptTemplate === undefined || config.promptTemplate.id === 'model';
  if (!own || model.hasChatTemplate) return;
  const chat = datasets.find((d) => d !== null && d.format !== 'text');
  if (chat) {
    throw new ApiError(
      'TRAIN_CONFIG_INVALID',
      `${model.name} has no chat template, and "${chat.name}" v${chat.version} holds ${chat.format} records, which are written out by one: choose a prompt template (Question / Answer, Alpaca, ChatML… or your own).`,
    );
  }
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
    checkPromptTemplate(model, config, [resolved.dataset, resolved.validationDataset]);
    if (config.seqLen > modelConfig.maxPositionEmbeddings) {
      throw new ApiError(
        'TRAIN_CONFIG_INVALID',
        `Sequence length ${config.seqLen} is over the model's limit of ${modelConfig.maxPositionEmbeddings} positions.`,
      );
    }
    const lora = createLoraConfig({
      r: config.lora.r,
      loraAlpha: config.lora.alpha,
      loraDropout: config.lora.dropout,
      targetModules: config.lora.targetModules,
      useRslora: config.lora.useRslora,
      baseModelNameOrPath: model.path,
    });
    checkLoraTrainingConfig(lora);
    resolveLoraTargets(modelConfig, lora);
  } catch (error) {
    if (error instanceof EngineError) throw new ApiError('TRAIN_CONFIG_INVALID', error.message);
    throw error;
  }
  return { ...config, resolved };
}
