import {
  ApiError,
  errorCatalogue,
  isTerminal,
  jobTypeLabels,
  type ActivityKind,
  type CreateJobBody,
  type Job,
  type JobError,
  type JobStatus,
  type JobType,
  type LaunchEstimate,
  type WorkerEvent,
} from '@qlora-studio/contracts';
import type { Db } from '../store/database.js';
import { recordActivity } from '../store/activity-repo.js';
import { appendJobEvent } from '../store/events-repo.js';
import {
  deleteJobRow,
  getJobOrThrow,
  insertJob,
  jobsWithStatus,
  markCancelRequested,
  setJobProgress,
  setJobResult,
  setJobStatus,
  setJobTitle,
  setLatestCheckpoint,
} from '../store/jobs-repo.js';
import { getLaunchEstimate } from '../store/estimates-repo.js';
import { trainConfigKey } from './calibration-key.js';
import type { JobEventBus } from './event-bus.js';
import { jobTitle } from './job-title.js';
import type { ResolvedTrainJobConfig } from './train-config.js';

/**
 * A fine-tune keeps the time estimate last shown for its settings (`resolved.estimate`), so its
 * page can set what it took beside what it was told. A resumed run continues part-way: none.
 */
function withLaunchEstimate(db: Db, config: ResolvedTrainJobConfig): ResolvedTrainJobConfig & { resolved: { estimate?: LaunchEstimate } } {
  if (!config.resolved?.dataset || config.resolved.resumeFrom) return config;
  const estimate = getLaunchEstimate(db, trainConfigKey(config));
  return estimate ? { ...config, resolved: { ...config.resolved, estimate } } : config;
}

const activityForStatus: Partial<Record<JobStatus, ActivityKind>> = {
  queued: 'job.queued',
  running: 'job.started',
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  canceled: 'job.canceled',
  interrupted: 'job.interrupted',
};

/** Activity lines start with the job's type ("Fine-tune succeeded"), then name a job that has its own name. */
const jobLine = (job: Job) => jobTypeLabels[job.type];
const nameOf = (job: Job) => (job.title === jobTypeLabels[job.type] ? '' : ` (${job.title})`);

const statusVerb: Record<JobStatus, string> = {
  queued: 'queued',
  running: 'started',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'was canceled',
  interrupted: 'was interrupted',
};

/**
 * Every change to a job goes through here: the row, its stored event and the activity line
 * are written in one transaction, then the event is published to live subscribers.
 */
/**
 * What the server does with a job's result before the job counts as succeeded (e.g. register
 * a downloaded model). If it throws, the job fails with that reason.
 */
export type JobFinalizer = (job: Job) => Promise<void> | void;

export class JobService {
  private readonly finalizers = new Map<JobType, JobFinalizer>();

  constructor(
    private readonly db: Db,
    private readonly bus: JobEventBus,
  ) {}

  onSucceeded(type: JobType, finalizer: JobFinalizer): void {
    this.finalizers.set(type, finalizer);
  }

  /** A worker reported success: run the type's finalizer, then mark the job succeeded (or failed, saying why). */
  async succeed(id: string): Promise<Job> {
    const job = getJobOrThrow(this.db, id);
    try {
      await this.finalizers.get(job.type)?.(job);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.setStatus(id, 'failed', {
        message: `The job finished, but its result could not be stored: ${message}`,
        hint: error instanceof ApiError ? errorCatalogue[error.code].hint : null,
      });
    }
    return this.setStatus(id, 'succeeded');
  }

  create(body: CreateJobBody, parentId: string | null = null): Job {
    const config = body.type === 'train' ? withLaunchEstimate(this.db, body.config as ResolvedTrainJobConfig) : body.config;
    return this.commitStatus(() => insertJob(this.db, { type: body.type, title: jobTitle(body), config, parentId }), null);
  }

  /** Transition a job and record it; returns the updated job. */
  setStatus(id: string, status: JobStatus, error: JobError | null = null): Job {
    return this.commitStatus(() => setJobStatus(this.db, id, status, error), error);
  }

  /** Store what a worker reported, keep the job row's summary fields current, and publish it. */
  recordWorkerEvent(id: string, event: WorkerEvent): void {
    const stored = this.db.transaction(() => {
      if (event.kind === 'progress') {
        const { kind: _kind, ...progress } = event;
        setJobProgress(this.db, id, progress);
      } else if (event.kind === 'result') {
        setJobResult(this.db, id, event.data);
      } else if (event.kind === 'artifact' && event.artifactKind === 'checkpoint') {
        const step = /checkpoint-(\d+)$/.exec(event.path)?.[1];
        if (step) setLatestCheckpoint(this.db, id, { step: Number(step), path: event.path });
      }
      return appendJobEvent(this.db, id, event);
    })();
    this.bus.publish(stored);
  }

  /** Rename a job, whatever its status. */
  rename(id: string, title: string): Job {
    return setJobTitle(this.db, id, title);
  }

  requestCancel(id: string): Job {
    const job = getJobOrThrow(this.db, id);
    if (isTerminal(job.status)) {
      throw new ApiError('JOB_NOT_CANCELABLE', `Job "${id}" has already ${job.status}; it cannot be canceled.`);
    }
    if (job.status === 'queued') return this.setStatus(id, 'canceled');
    return markCancelRequested(this.db, id);
  }

  delete(id: string): void {
    const job = getJobOrThrow(this.db, id);
    if (!isTerminal(job.status)) {
      throw new ApiError('JOB_NOT_DELETABLE', `Job "${id}" is ${job.status}; cancel it and wait for it to stop before deleting it.`);
    }
    this.db.transaction(() => {
      deleteJobRow(this.db, id);
      recordActivity(this.db, 'job.deleted', `${jobLine(job)} job deleted${nameOf(job)}`, id);
    })();
  }

  /** Jobs left running by a server that died are marked interrupted; returns them. */
  interruptLeftovers(reason: string): Job[] {
    return jobsWithStatus(this.db, 'running').map((job) => this.setStatus(job.id, 'interrupted', { message: reason, hint: 'Run the job again.' }));
  }

  /**
   * Change a job's row, then store its status event and activity line in the same transaction;
   * publish only after the commit, so subscribers can read what they are told, and in id order.
   */
  private commitStatus(change: () => Job, error: JobError | null): Job {
    const { job, event } = this.db.transaction(() => {
      const changed = change();
      const stored = appendJobEvent(this.db, changed.id, { kind: 'status', status: changed.status, error });
      const activity = activityForStatus[changed.status];
      if (activity) {
        const why = error ? `: ${error.message}` : '';
        recordActivity(this.db, activity, `${jobLine(changed)} ${statusVerb[changed.status]}${nameOf(changed)}${why}`, changed.id);
      }
      return { job: changed, event: stored };
    })();
    this.bus.publish(event);
    return job;
  }
}
