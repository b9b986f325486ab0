/**
 * What a user can do with a finished job besides reading it: retry it (same config, a fresh
 * start), resume a fine-tune from its newest checkpoint (a new job continuing into the same
 * folder, so the final adapter equals an uninterrupted run's), and delete it with its files.
 * New jobs name the one they came from (`parentId`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, isTerminal, trainJobConfigSchema, type Job } from '@qlora-studio/contracts';
import type { AppContext } from '../context.js';
import { getJobOrThrow, jobsWritingTo } from '../store/jobs-repo.js';
import type { ResolvedTrainJobConfig } from './train-config.js';
import { resolveTrainJob } from './train-job.js';

function finishedOrThrow(job: Job, what: string): void {
  if (!isTerminal(job.status)) throw new ApiError('JOB_NOT_FINISHED', `Job "${job.id}" is ${job.status}; it can be ${what} once it has stopped.`);
}

/** The user's part of a train job's config (what they chose, before ids became paths). */
function userTrainConfig(job: Job) {
  const { resolved, ...config } = job.config as ResolvedTrainJobConfig;
  // The same data: pin the dataset version the job read, even if newer versions exist now.
  return trainJobConfigSchema.parse({ ...config, datasetVersion: resolved.dataset.version });
}

export function retryJob(ctx: AppContext, id: string): Job {
  const job = getJobOrThrow(ctx.db, id);
  finishedOrThrow(job, 'retried');
  const body =
    job.type === 'train'
      ? { type: 'train' as const, config: resolveTrainJob(ctx.db, ctx.workspace, userTrainConfig(job)), title: job.title }
      : ({ type: job.type, config: job.config, title: job.title } as Parameters<AppContext['jobs']['create']>[0]);
  const created = ctx.jobs.create(body, job.id);
  ctx.runner.pump();
  return created;
}

export function resumeJob(ctx: AppContext, id: string): Job {
  const job = getJobOrThrow(ctx.db, id);
  if (job.type !== 'train') throw new ApiError('JOB_NOT_RESUMABLE', `Job "${id}" is a ${job.title.toLowerCase()}, not a fine-tune; retry it instead.`);
  finishedOrThrow(job, 'resumed');
  if (job.status === 'succeeded') throw new ApiError('JOB_NOT_RESUMABLE', `Job "${id}" finished; there is nothing left to resume.`);
  const checkpoint = job.latestCheckpoint;
  if (!checkpoint || !fs.existsSync(checkpoint.path)) throw new ApiError('JOB_NOT_RESUMABLE', `Job "${id}" saved no checkpoint that still exists.`);
  const previous = job.config as ResolvedTrainJobConfig;
  // Checked again (the model and dataset may be gone), then continued in the same folder.
  const checked = resolveTrainJob(ctx.db, ctx.workspace, userTrainConfig(job));
  const config: ResolvedTrainJobConfig = { ...checked, resolved: { ...checked.resolved, outputDir: previous.resolved.outputDir, resumeFrom: checkpoint.path } };
  const created = ctx.jobs.create({ type: 'train', config, title: job.title }, job.id);
  ctx.runner.pump();
  return created;
}

/**
 * Deletes a finished job, and the folder it wrote when it is inside the workspace's adapters
 * and no other job writes there (a resumed job shares its parent's folder).
 */
export function deleteJobWithFiles(ctx: AppContext, id: string): void {
  if (ctx.runner.isRunning(id)) throw new ApiError('JOB_NOT_DELETABLE', 'The job is still running; cancel it and wait for it to stop first.');
  const job = getJobOrThrow(ctx.db, id);
  const outputDir = (job.config as { resolved?: { outputDir?: string } }).resolved?.outputDir;
  ctx.jobs.delete(id);
  if (!outputDir) return;
  const adapters = path.join(ctx.workspace, 'adapters');
  const inside = path.relative(adapters, outputDir);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return;
  if (jobsWritingTo(ctx.db, outputDir).length === 0) fs.rmSync(outputDir, { recursive: true, force: true });
}
