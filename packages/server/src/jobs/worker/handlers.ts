/**
 * What each job type runs inside the worker process. Only the worker imports this table: it
 * pulls in the engine's training, downloads and benchmarks, which the server process never
 * runs itself.
 */
import { systemCheckConfigSchema, type JobResults, type JobType } from '@qlora-studio/contracts';
import { runSystemCheck, type EvalResult, type JobContext, type TrainLoraResult } from '@qlora-studio/engine';
import type { ResolvedEvaluateJobConfig } from '../evaluate-config.js';
import type { WorkerSecrets } from '../protocol.js';
import type { ResolvedTrainJobConfig } from '../train-config.js';
import { runEvaluateJob } from './evaluate-handler.js';
import { runDownloadModel, runImportHubDataset } from './hub-handlers.js';
import { runTrainJob } from './train-handler.js';

export type JobHandler<T extends JobType> = (config: unknown, ctx: JobContext, secrets: WorkerSecrets) => Promise<JobResults[T]>;

/** The value a handler returns is the job's result; the worker checks it against contracts' schema for the type. */
export const jobHandlers: { [T in JobType]: JobHandler<T> } = {
  'system-check': (config, ctx) => runSystemCheck(systemCheckConfigSchema.parse(config), ctx),
  // Checked and resolved (ids → files) by the server when it was queued; see train-job.ts.
  train: (config, ctx) => runTrainJob(config as ResolvedTrainJobConfig, ctx),
  'download-model': runDownloadModel,
  'import-dataset': runImportHubDataset,
  // Checked and resolved (ids → folders, the benchmark version whole) by the server when queued; see evaluation/evaluation-service.ts.
  evaluate: (config, ctx, secrets) => runEvaluateJob(config as ResolvedEvaluateJobConfig, ctx, secrets),
};

/**
 * Contracts' fine-tune result schema mirrors the engine's TrainLoraResult (contracts cannot
 * import the engine): this fails to compile when either gains a field the other lacks, since
 * the worker's check would silently drop it.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const trainResultMirrorsEngine: Same<JobResults['train'], TrainLoraResult> = true;
void trainResultMirrorsEngine;

/** Likewise an evaluation's items mirror the engine's EvalResult items (the `qlora eval --json` shape). */
const evalItemsMirrorEngine: Same<JobResults['evaluate']['items'][number], EvalResult['items'][number]> = true;
void evalItemsMirrorEngine;
