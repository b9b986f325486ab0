import { defaultTrainJobTitle, jobTypeLabels, systemCheckConfigSchema, type CreateJobBody, type JobType } from '@qlora-studio/contracts';
import { runSystemCheck, type JobReporter } from '@qlora-studio/engine';
import { runDownloadModel, runImportHubDataset } from './hub-handlers.js';
import { runTrainJob, type ResolvedTrainJobConfig } from './train-handler.js';

export interface JobContext {
  workspace: string;
  signal: AbortSignal;
  report: JobReporter;
}

/** What each job type runs inside the worker process; the value returned is the job's result. */
export const jobHandlers: Record<JobType, (config: unknown, ctx: JobContext) => Promise<unknown>> = {
  'system-check': (config, ctx) => runSystemCheck(systemCheckConfigSchema.parse(config), ctx),
  // Checked and resolved (ids → files) by the server when it was queued; see train-job.ts.
  train: (config, ctx) => runTrainJob(config as ResolvedTrainJobConfig, ctx),
  'download-model': runDownloadModel,
  'import-dataset': runImportHubDataset,
};

/** The name a new job gets: the one asked for, else a fine-tune's model · dataset · method, else its type. */
export function jobTitle(body: CreateJobBody): string {
  if (body.title) return body.title;
  const resolved = body.type === 'train' ? (body.config as Partial<ResolvedTrainJobConfig>).resolved : undefined;
  if (body.type === 'train' && resolved) {
    return defaultTrainJobTitle({ modelName: resolved.modelName, datasetName: resolved.dataset.name, datasetVersion: resolved.dataset.version, method: body.config.method, r: body.config.lora.r });
  }
  return jobTypeLabels[body.type];
}
