import type { JobEvent, JobEventKind, WorkerEvent, JobError, JobStatus } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

interface EventRow {
  id: number;
  job_id: string;
  at: string;
  kind: string;
  data: string;
}

function toEvent(row: EventRow): JobEvent {
  return { id: row.id, jobId: row.job_id, at: row.at, kind: row.kind, ...JSON.parse(row.data) } as JobEvent;
}

export type NewJobEvent = WorkerEvent | { kind: 'status'; status: JobStatus; error: JobError | null };

/** Store one job event; its id is global and increasing, so it doubles as the SSE event id. */
export function appendJobEvent(db: Db, jobId: string, event: NewJobEvent): JobEvent {
  const { kind, ...data } = event;
  const at = nowIso();
  const info = db.prepare('INSERT INTO job_events (job_id, at, kind, data) VALUES (?, ?, ?, ?)').run(jobId, at, kind, JSON.stringify(data));
  if (event.kind === 'metric') {
    db.prepare('INSERT INTO job_metrics (job_id, name, step, value, at) VALUES (?, ?, ?, ?, ?)').run(jobId, event.name, event.step, event.value, at);
  }
  return { id: Number(info.lastInsertRowid), jobId, at, ...event } as JobEvent;
}

export interface EventQuery {
  jobId?: string;
  afterId: number;
  limit: number;
  kind?: JobEventKind;
}

export function listJobEvents(db: Db, query: EventQuery): JobEvent[] {
  const where = ['id > ?'];
  const args: unknown[] = [query.afterId];
  if (query.jobId !== undefined) {
    where.push('job_id = ?');
    args.push(query.jobId);
  }
  if (query.kind !== undefined) {
    where.push('kind = ?');
    args.push(query.kind);
  }
  const rows = db.prepare(`SELECT * FROM job_events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...args, query.limit) as EventRow[];
  return rows.map(toEvent);
}

export function latestEventId(db: Db): number {
  return (db.prepare('SELECT MAX(id) AS id FROM job_events').get() as { id: number | null }).id ?? 0;
}

export function listJobMetrics(db: Db, jobId: string): { name: string; points: { step: number; value: number; at: string }[] }[] {
  const rows = db.prepare('SELECT name, step, value, at FROM job_metrics WHERE job_id = ? ORDER BY name, step, rowid').all(jobId) as {
    name: string;
    step: number;
    value: number;
    at: string;
  }[];
  const series = new Map<string, { step: number; value: number; at: string }[]>();
  for (const { name, ...point } of rows) {
    const points = series.get(name) ?? [];
    points.push(point);
    series.set(name, points);
  }
  return [...series].map(([name, points]) => ({ name, points }));
}
