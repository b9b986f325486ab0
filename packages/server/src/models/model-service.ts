/**
 * Base models of the workspace: a Hugging Face folder registered where it is (checked by
 * inspecting it and loading its tokenizer), or a small random demo model made here so the app
 * can be tried without internet. The engine reads the folder; the store keeps what it found.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiError,
  downloadModelConfigSchema,
  jobResult,
  type BaseModel,
  type CreateDemoModelBody,
  type Job,
  type RegisterModelBody,
} from '@qlora-studio/contracts';
import { EngineError, inspectModelFolder, loadModelFolder, makeTinyModel } from '@qlora-studio/engine';
import { recordActivity } from '../store/activity-repo.js';
import type { Db } from '../store/database.js';
import { deleteModelRow, getModelOrThrow, insertModel } from '../store/models-repo.js';
import { newId } from '../store/rows.js';

/** What the store keeps of a folder: read from its config and weights, never from the client. */
function describeFolder(dir: string): Omit<BaseModel, 'id' | 'name' | 'source' | 'sourceRef' | 'createdAt'> {
  let info;
  try {
    info = inspectModelFolder(dir);
    loadModelFolder(dir).weights.close(); // the tokenizer and chat template load too
  } catch (error) {
    if (error instanceof EngineError) throw new ApiError('MODEL_INVALID', `${dir} is not a model folder the engine can load: ${error.message}`);
    throw error;
  }
  const c = info.config;
  return {
    path: dir,
    architecture: c.architecture,
    parameters: info.parameterCount,
    hiddenSize: c.hiddenSize,
    layers: c.numLayers,
    heads: c.numHeads,
    kvHeads: c.numKvHeads,
    intermediateSize: c.intermediateSize,
    vocabSize: c.vocabSize,
    maxPositionEmbeddings: c.maxPositionEmbeddings,
    hasChatTemplate: info.hasChatTemplate,
    sizeBytes: info.sizeOnDiskBytes,
  };
}

export class ModelService {
  constructor(
    private readonly db: Db,
    private readonly workspace: string,
  ) {}

  private get modelsDir(): string {
    return path.join(this.workspace, 'models');
  }

  register(body: RegisterModelBody): BaseModel {
    const dir = path.resolve(body.path);
    if (!path.isAbsolute(body.path)) throw new ApiError('MODEL_INVALID', `Give the model folder as an absolute path on the server, not "${body.path}".`);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ApiError('MODEL_INVALID', `${dir} is not a folder on the server.`);
    const model = insertModel(this.db, { name: body.name ?? path.basename(dir), source: 'local', sourceRef: dir, ...describeFolder(dir) });
    recordActivity(this.db, 'model.added', `Model "${model.name}" registered from ${dir}`);
    return model;
  }

  createDemo(body: CreateDemoModelBody): BaseModel {
    const id = newId('model');
    const dir = path.join(this.modelsDir, id);
    try {
      makeTinyModel({
        arch: body.architecture,
        outDir: dir,
        hiddenSize: 64,
        layers: 2,
        heads: 4,
        kvHeads: 2,
        intermediateSize: 128,
        maxPositionEmbeddings: 1024,
        seed: 7,
      });
      const model = insertModel(this.db, {
        id,
        name: body.name ?? `Demo ${body.architecture} (random weights)`,
        source: 'demo',
        sourceRef: null,
        ...describeFolder(dir),
      });
      recordActivity(this.db, 'model.added', `Demo model "${model.name}" created`);
      return model;
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true }); // nothing half-made stays behind
      throw error;
    }
  }

  /** The model a download job put under the workspace, named as the job asked (the job's finalizer). */
  registerDownloaded(job: Job): BaseModel {
    const result = jobResult(job, 'download-model');
    if (!result) throw new Error('the download reported no folder.');
    const { dir, repo } = result;
    const name = downloadModelConfigSchema.parse(job.config).name;
    const model = insertModel(this.db, { name: name ?? repo, source: 'hub', sourceRef: repo, ...describeFolder(dir) });
    recordActivity(this.db, 'model.added', `Model "${model.name}" downloaded from the Hub`);
    return model;
  }

  /** Forget a model; only files this workspace made (demo, downloads) are deleted. */
  delete(id: string): void {
    const model = getModelOrThrow(this.db, id);
    deleteModelRow(this.db, id);
    const inside = path.relative(this.modelsDir, model.path);
    if (model.source !== 'local' && inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside))
      fs.rmSync(model.path, { recursive: true, force: true });
    recordActivity(this.db, 'model.deleted', `Model "${model.name}" removed`);
  }
}
