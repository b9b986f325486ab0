import type { JobStatus, LogLevel } from '@qlora-studio/contracts';
import type { LogLine } from '../../lib/jobs/job-stream';

/** A row of the log viewer: a line the job logged, or a change of the job's status. */
export type ViewerLine =
  | { kind: 'log'; key: string; id: number; at: string; level: LogLevel; message: string }
  | { kind: 'status'; key: string; at: string; level: LogLevel; message: string; status: JobStatus };

/** A status change the viewer saw, in the order it saw them. */
export interface StatusChange {
  status: JobStatus;
  at: string;
}

const statusLevel: Record<JobStatus, LogLevel> = {
  queued: 'info',
  running: 'info',
  succeeded: 'info',
  failed: 'error',
  canceled: 'warn',
  interrupted: 'warn',
};

export function statusLine(change: StatusChange, index: number): ViewerLine {
  return { kind: 'status', key: `s${index}`, at: change.at, level: statusLevel[change.status], message: `Job status: ${change.status}`, status: change.status };
}

const logRows = new WeakMap<LogLine, ViewerLine>();
function logRow(line: LogLine): ViewerLine {
  let row = logRows.get(line);
  if (!row) {
    row = { kind: 'log', key: `l${line.id}`, id: line.id, at: line.at, level: line.level, message: line.message };
    logRows.set(line, row);
  }
  return row;
}

/**
 * The viewer's rows: the log lines in stream order with the status changes merged in by time
 * (a status change goes before the first line logged after it). Row objects are cached per log
 * line, so appending lines does not rebuild what was there.
 */
export function mergeLines(logs: readonly LogLine[], statuses: readonly StatusChange[] = []): ViewerLine[] {
  if (!statuses.length) return logs.map(logRow);
  const rows: ViewerLine[] = [];
  let s = 0;
  for (const line of logs) {
    while (s < statuses.length && statuses[s]!.at <= line.at) rows.push(statusLine(statuses[s]!, s++));
    rows.push(logRow(line));
  }
  while (s < statuses.length) rows.push(statusLine(statuses[s]!, s++));
  return rows;
}

/** Appends a status change unless it repeats the last one seen. Pure: returns the same list when nothing changed. */
export function recordStatus(seen: readonly StatusChange[], status: JobStatus | null | undefined, at: string | null | undefined): readonly StatusChange[] {
  if (!status || !at) return seen;
  const last = seen[seen.length - 1];
  if (last && last.status === status) return seen;
  return [...seen, { status, at }];
}

export type LevelCounts = Record<LogLevel, number>;

export function countLevels(lines: readonly ViewerLine[]): LevelCounts {
  const counts: LevelCounts = { debug: 0, info: 0, warn: 0, error: 0 };
  for (const line of lines) counts[line.level]++;
  return counts;
}

/** The lines whose level is shown, in order; the same array when every level is shown. */
export function filterByLevel<T extends { level: LogLevel }>(lines: readonly T[], shown: ReadonlySet<LogLevel>): readonly T[] {
  if (shown.size === 4 || lines.every((l) => shown.has(l.level))) return lines;
  return lines.filter((l) => shown.has(l.level));
}

/** Index of the first error line, or -1. */
export function firstErrorIndex(lines: readonly { level: LogLevel }[]): number {
  return lines.findIndex((l) => l.level === 'error');
}
