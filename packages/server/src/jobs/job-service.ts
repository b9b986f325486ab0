import {
  ApiError,
  isTerminal,
  type ActivityKind,
  type CreateJobBody,
  type Job,
  type JobError,
  type JobStatus,
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
} from '../store/jobs-repo.js';
import type { JobEventBus } from './event-bus.js';
import { jobTitle } from './handlers.js';

const activityForStatus: Partial<Record<JobStatus, ActivityKind>> = {
  queued: 'job.queued',
  running: 'job.started',
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  canceled: 'job.canceled',
  interrupted: 'job.interrupted',
};

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
export class JobService {
  constructor(
    private readonly db: Db,
    private readonly bus: JobEventBus,
  ) {}

  create(body: CreateJobBody): Job {
    const job = this.db.transaction(() => {
      const created = insertJob(this.db, { type: body.type, title: jobTitle(body.type), config: body.config });
      return this.recordStatus(created, null);
    })();
    return job;
  }

  /** Transition a job and record it; returns the updated job. */
  setStatus(id: string, status: JobStatus, error: JobError | null = null): Job {
    return this.db.transaction(() => this.recordStatus(setJobStatus(this.db, id, status, error), error))();
  }

  /** Store what a worker reported, keep the job row's summary fields current, and publish it. */
  recordWorkerEvent(id: string, event: WorkerEvent): void {
    const stored = this.db.transaction(() => {
      if (event.kind === 'progress') {
        const { kind: _kind, ...progress } = event;
        setJobProgress(this.db, id, progress);
      } else if (event.kind === 'result') {
        setJobResult(this.db, id, event.data);
      }
      return appendJobEvent(this.db, id, event);
    })();
    this.bus.publish(stored);
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
      recordActivity(this.db, 'job.deleted', `${job.title} job deleted`, id);
    })();
  }

  /** Jobs left running by a server that died are marked interrupted; returns them. */
  interruptLeftovers(reason: string): Job[] {
    return jobsWithStatus(this.db, 'running').map((job) =>
      this.setStatus(job.id, 'interrupted', { message: reason, hint: 'Run the job again.' }),
    );
  }

  private recordStatus(job: Job, error: JobError | null): Job {
    const event = appendJobEvent(this.db, job.id, { kind: 'status', status: job.status, error });
    const activity = activityForStatus[job.status];
    if (activity) {
      const why = error ? `: ${error.message}` : '';
      recordActivity(this.db, activity, `${job.title} ${statusVerb[job.status]}${why}`, job.id);
    }
    // Publish after the surrounding transaction commits, so subscribers can read what they are told.
    queueMicrotask(() => this.bus.publish(event));
    return job;
  }
}
