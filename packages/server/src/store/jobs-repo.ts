import { ApiError, canTransition, type Job, type JobError, type JobProgress, type JobStatus, type JobType, type ListJobsQuery } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { fromJson, newId, nowIso, toJson } from './rows.js';

interface JobRow {
  id: string;
  type: string;
  title: string;
  status: string;
  config: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  cancel_requested_at: string | null;
  progress: string | null;
  error: string | null;
  result: string | null;
  parent_id: string | null;
  latest_checkpoint: string | null;
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type as JobType,
    title: row.title,
    status: row.status as JobStatus,
    config: fromJson<Record<string, unknown>>(row.config) ?? {},
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    cancelRequestedAt: row.cancel_requested_at,
    progress: fromJson<JobProgress>(row.progress),
    error: fromJson<JobError>(row.error),
    result: fromJson<unknown>(row.result),
    parentId: row.parent_id,
    latestCheckpoint: fromJson<Job['latestCheckpoint']>(row.latest_checkpoint),
  };
}

/** Sortable, URL-safe job id: time in base 36, then randomness. */
export function insertJob(db: Db, input: { type: JobType; title: string; config: unknown; parentId?: string | null }): Job {
  const id = newId('job');
  const seq = ((db.prepare('SELECT MAX(seq) AS s FROM jobs').get() as { s: number | null }).s ?? 0) + 1;
  db.prepare(`INSERT INTO jobs (id, seq, type, title, status, config, created_at, parent_id) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`).run(
    id,
    seq,
    input.type,
    input.title,
    JSON.stringify(input.config ?? {}),
    nowIso(),
    input.parentId ?? null,
  );
  return getJobOrThrow(db, id);
}

/** Rename a job; returns it. */
export function setJobTitle(db: Db, id: string, title: string): Job {
  getJobOrThrow(db, id);
  db.prepare('UPDATE jobs SET title = ? WHERE id = ?').run(title, id);
  return getJobOrThrow(db, id);
}

/** Remember a fine-tune's newest checkpoint (what Resume continues from). */
export function setLatestCheckpoint(db: Db, id: string, checkpoint: { step: number; path: string }): void {
  db.prepare('UPDATE jobs SET latest_checkpoint = ? WHERE id = ?').run(JSON.stringify(checkpoint), id);
}

export function getJob(db: Db, id: string): Job | undefined {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row && toJob(row);
}

export function getJobOrThrow(db: Db, id: string): Job {
  const job = getJob(db, id);
  if (!job) throw new ApiError('JOB_NOT_FOUND', `No job with id "${id}".`);
  return job;
}

export function listJobs(db: Db, query: ListJobsQuery): Job[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (query.status) {
    where.push('status = ?');
    args.push(query.status);
  }
  if (query.type) {
    where.push('type = ?');
    args.push(query.type);
  }
  const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, query.limit) as JobRow[]).map(toJob);
}

/** The oldest queued job, or undefined. */
export function nextQueuedJob(db: Db): Job | undefined {
  const row = db.prepare(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1`).get() as JobRow | undefined;
  return row && toJob(row);
}

export function jobsWithStatus(db: Db, status: JobStatus): Job[] {
  return (db.prepare('SELECT * FROM jobs WHERE status = ? ORDER BY seq').all(status) as JobRow[]).map(toJob);
}

/**
 * Move a job to another status, enforcing the state machine. Sets started/finished times.
 * Throws if the transition is not allowed (a bug in the caller, or a race that lost).
 */
export function setJobStatus(db: Db, id: string, to: JobStatus, error: JobError | null = null): Job {
  const job = getJobOrThrow(db, id);
  if (!canTransition(job.status, to)) {
    throw new Error(`Job ${id} cannot go from ${job.status} to ${to}.`);
  }
  const now = nowIso();
  db.prepare(
    `UPDATE jobs SET status = ?, error = ?,
       started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END,
       finished_at = CASE WHEN ? IN ('succeeded','failed','canceled','interrupted') THEN ? ELSE finished_at END
     WHERE id = ?`,
  ).run(to, toJson(error), to, now, to, now, id);
  return getJobOrThrow(db, id);
}

export function setJobProgress(db: Db, id: string, progress: JobProgress): void {
  db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(progress), id);
}

export function setJobResult(db: Db, id: string, result: unknown): void {
  db.prepare('UPDATE jobs SET result = ? WHERE id = ?').run(toJson(result), id);
}

export function markCancelRequested(db: Db, id: string): Job {
  db.prepare('UPDATE jobs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ?').run(nowIso(), id);
  return getJobOrThrow(db, id);
}

/** Delete a job with its events and metrics (the activity feed keeps its lines). */
export function deleteJobRow(db: Db, id: string): void {
  db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
}

/** Queued or running jobs whose config reads dataset `id` (for training, validation, or an evaluation's benchmark). */
export function jobsUsingDataset(db: Db, id: string): string[] {
  const rows = db.prepare("SELECT id, config FROM jobs WHERE status IN ('queued', 'running')").all() as { id: string; config: string }[];
  return rows
    .filter((row) => {
      const config = JSON.parse(row.config) as { datasetId?: string; validation?: { datasetId?: string }; resolved?: { dataset?: { id?: string } } };
      return config.datasetId === id || config.validation?.datasetId === id || config.resolved?.dataset?.id === id;
    })
    .map((row) => row.id);
}

/** Ids of fine-tunes (any status) whose config writes to `outputDir` (a resumed job shares its parent's). */
export function jobsWritingTo(db: Db, outputDir: string): string[] {
  const rows = db.prepare("SELECT id, config FROM jobs WHERE type = 'train'").all() as { id: string; config: string }[];
  return rows.filter((row) => (JSON.parse(row.config) as { resolved?: { outputDir?: string } }).resolved?.outputDir === outputDir).map((row) => row.id);
}
