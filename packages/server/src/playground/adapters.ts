import fs from 'node:fs';
import path from 'node:path';
import { ApiError, jobResult, promptTemplateSchema, type PlaygroundAdapter, type PromptTemplate, type TrainJobConfig } from '@qlora-studio/contracts';
import type { ResolvedTrainJobConfig } from '../jobs/train-config.js';
import type { Db } from '../store/database.js';
import { getJob, listJobs } from '../store/jobs-repo.js';
import type { Job } from '@qlora-studio/contracts';

/** The prompt template a fine-tune was trained with, other than the model's own; null when none. */
function trainedPromptTemplate(config: ResolvedTrainJobConfig): PromptTemplate | null {
  const parsed = promptTemplateSchema.safeParse(config.promptTemplate);
  return parsed.success && parsed.data.id !== 'model' ? parsed.data : null;
}

/** The adapter a finished fine-tune left, or null when it left none (or its folder is gone). */
function adapterOf(job: Job): PlaygroundAdapter | null {
  if (job.type !== 'train' || job.status !== 'succeeded') return null;
  const config = job.config as ResolvedTrainJobConfig;
  const resolved = config.resolved;
  if (!resolved?.outputDir || !fs.existsSync(path.join(resolved.outputDir, 'adapter_config.json'))) return null;
  const result = jobResult(job, 'train');
  const lora = config.lora as TrainJobConfig['lora'];
  const steps = result?.steps ?? null;
  const lastLoss = result?.finalEval?.loss ?? result?.history.at(-1)?.loss;
  return {
    id: job.id,
    title: `${resolved.dataset.name} v${resolved.dataset.version}, r ${lora.r}${steps !== null ? `, ${steps} steps` : ''}`,
    baseModelId: config.modelId,
    baseModelName: resolved.modelName,
    method: config.method,
    r: lora.r,
    alpha: lora.alpha,
    targetModules: lora.targetModules === 'all-linear' ? ['all-linear'] : lora.targetModules,
    dataset: { id: resolved.dataset.id, name: resolved.dataset.name, version: resolved.dataset.version ?? null },
    steps,
    finalLoss: typeof lastLoss === 'number' && Number.isFinite(lastLoss) ? lastLoss : null,
    promptTemplate: trainedPromptTemplate(config),
    path: resolved.outputDir,
    createdAt: job.finishedAt ?? job.createdAt,
  };
}

/** Adapters of the finished fine-tunes, newest first. */
export function listAdapters(db: Db): PlaygroundAdapter[] {
  return listJobs(db, { type: 'train', status: 'succeeded', limit: 500 }).flatMap((job) => adapterOf(job) ?? []);
}

export function getAdapterOrThrow(db: Db, jobId: string): PlaygroundAdapter {
  const job = getJob(db, jobId);
  const adapter = job ? adapterOf(job) : null;
  if (!adapter) {
    throw new ApiError(
      'ADAPTER_NOT_FOUND',
      job
        ? `The job "${jobId}" has no adapter to run: only a fine-tune that succeeded leaves one (and its folder must still exist).`
        : `No fine-tune with id "${jobId}".`,
    );
  }
  return adapter;
}
