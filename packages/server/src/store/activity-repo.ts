import type { ActivityEvent, ActivityKind } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

interface ActivityRow {
  id: number;
  at: string;
  kind: string;
  message: string;
  job_id: string | null;
}

export function recordActivity(db: Db, kind: ActivityKind, message: string, jobId: string | null = null): ActivityEvent {
  const at = nowIso();
  const info = db.prepare('INSERT INTO activity (at, kind, message, job_id) VALUES (?, ?, ?, ?)').run(at, kind, message, jobId);
  return { id: Number(info.lastInsertRowid), at, kind, message, jobId };
}

export function listActivity(db: Db, limit: number): ActivityEvent[] {
  const rows = db.prepare('SELECT * FROM activity ORDER BY id DESC LIMIT ?').all(limit) as ActivityRow[];
  return rows.map((row) => ({ id: row.id, at: row.at, kind: row.kind as ActivityKind, message: row.message, jobId: row.job_id }));
}
