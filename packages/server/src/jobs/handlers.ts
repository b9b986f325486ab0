import { jobTypeLabels, systemCheckConfigSchema, type JobType } from '@qlora-studio/contracts';
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

export function jobTitle(type: JobType): string {
  return jobTypeLabels[type];
}
