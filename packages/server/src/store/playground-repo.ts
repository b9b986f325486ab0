import {
  ApiError,
  shorten,
  type PaneOutput,
  type PlaygroundDraft,
  type PlaygroundPrompt,
  type PlaygroundRun,
  type PlaygroundSession,
  type PlaygroundSessionList,
  type PlaygroundSessionSummary,
  type GenerationSettings,
} from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { fromJson, newId, nowIso, toJson } from './rows.js';

/** Who is asking: the token's id, or null for this machine. Sessions belong to one owner. */
export interface Caller {
  tokenId: string | null;
  label: string;
}

interface SessionRow {
  id: string;
  title: string;
  owner_token_id: string | null;
  owner_label: string;
  shared: number;
  draft: string | null;
  created_at: string;
  updated_at: string;
  run_count: number;
  preview: string | null;
}

interface RunRow {
  id: string;
  session_id: string;
  created_at: string;
  prompt: string;
  settings: string;
  panes: string;
}

export function ownsSession(row: { owner_token_id: string | null }, caller: Caller): boolean {
  return row.owner_token_id === caller.tokenId;
}

const summaryColumns = `
  s.*,
  (SELECT COUNT(*) FROM playground_runs r WHERE r.session_id = s.id) AS run_count,
  (SELECT r.prompt FROM playground_runs r WHERE r.session_id = s.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS preview`;

/** The newest prompt's text, shortened, for the history list. */
function previewOf(promptJson: string | null): string {
  const prompt = fromJson<PlaygroundPrompt>(promptJson);
  if (!prompt) return '';
  const text = prompt.mode === 'text' ? prompt.template : (prompt.messages.at(-1)?.content ?? '');
  const line = text.replace(/\s+/g, ' ').trim();
  return shorten(line, 160);
}

function toSummary(row: SessionRow, caller: Caller): PlaygroundSessionSummary {
  return {
    id: row.id,
    title: row.title,
    shared: row.shared === 1,
    owner: row.owner_label,
    ownedByMe: ownsSession(row, caller),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: row.run_count,
    preview: previewOf(row.preview),
  };
}

function toRun(row: RunRow): PlaygroundRun {
  return {
    id: row.id,
    sessionId: row.session_id,
    createdAt: row.created_at,
    prompt: JSON.parse(row.prompt) as PlaygroundPrompt,
    settings: JSON.parse(row.settings) as GenerationSettings,
    panes: JSON.parse(row.panes) as PaneOutput[],
  };
}

function sessionRow(db: Db, id: string): SessionRow | undefined {
  return db.prepare(`SELECT ${summaryColumns} FROM playground_sessions s WHERE s.id = ?`).get(id) as SessionRow | undefined;
}

/** A session the caller may open (their own, or a shared one); others are reported as not found. */
export function readableSessionRow(db: Db, id: string, caller: Caller): SessionRow {
  const row = sessionRow(db, id);
  if (!row || (!ownsSession(row, caller) && row.shared !== 1))
    throw new ApiError('PLAYGROUND_SESSION_NOT_FOUND', `No Playground session "${id}" that you can open.`);
  return row;
}

/** A session the caller may change: only its owner may. */
export function ownedSessionRow(db: Db, id: string, caller: Caller): SessionRow {
  const row = readableSessionRow(db, id, caller);
  if (!ownsSession(row, caller)) {
    throw new ApiError('FORBIDDEN', `"${row.title}" was shared with you by ${row.owner_label}: you can open and copy it, but only its owner can change it.`);
  }
  return row;
}

export function getSession(db: Db, id: string, caller: Caller): PlaygroundSession {
  const row = readableSessionRow(db, id, caller);
  const runs = (db.prepare('SELECT * FROM playground_runs WHERE session_id = ? ORDER BY created_at DESC, id DESC').all(id) as RunRow[]).map(toRun);
  return { ...toSummary(row, caller), draft: fromJson<PlaygroundDraft>(row.draft), runs };
}

/** LIKE pattern for words anywhere in the text, with the wildcard characters escaped. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What history search looks in for a run: the prompt as written, its variables, and what each pane holds. */
function searchTextOf(prompt: PlaygroundPrompt, panes: PaneOutput[]): string {
  const promptParts = prompt.mode === 'text' ? [prompt.template] : [prompt.system, ...prompt.messages.map((m) => m.content)];
  return [...promptParts, ...Object.values(prompt.variables), ...panes.flatMap((p) => [p.label, p.text, p.note])].join('\n');
}

/** A page boundary in the history list: the last session of a page, by (updated_at, id). */
function encodeCursor(row: SessionRow): string {
  return Buffer.from(JSON.stringify([row.updated_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // Reported below.
  }
  throw new ApiError('VALIDATION_FAILED', 'The history cursor is not one this server gave; load the list again from its start.', {
    issues: [{ path: 'after', message: 'is not a cursor from this server' }],
  });
}

/** Sessions the caller may read, newest first, a page at a time. */
export function listSessions(db: Db, caller: Caller, options: { q?: string | undefined; limit: number; after?: string | undefined }): PlaygroundSessionList {
  const where = ['(s.owner_token_id IS ? OR s.shared = 1)'];
  const args: unknown[] = [caller.tokenId];
  // Every word must appear in the title or in a run's prompt, variables, outputs or notes.
  for (const word of (options.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
    where.push(`(s.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM playground_runs r WHERE r.session_id = s.id AND r.search_text LIKE ? ESCAPE '\\'))`);
    const pattern = likePattern(word);
    args.push(pattern, pattern);
  }
  if (options.after) {
    where.push('(s.updated_at, s.id) < (?, ?)');
    args.push(...decodeCursor(options.after));
  }
  // One row more than the page tells whether another page follows.
  const rows = db
    .prepare(`SELECT ${summaryColumns} FROM playground_sessions s WHERE ${where.join(' AND ')} ORDER BY s.updated_at DESC, s.id DESC LIMIT ?`)
    .all(...args, options.limit + 1) as SessionRow[];
  const page = rows.slice(0, options.limit);
  return { sessions: page.map((row) => toSummary(row, caller)), nextCursor: rows.length > options.limit ? encodeCursor(page.at(-1)!) : null };
}

export function insertSession(db: Db, caller: Caller, input: { title: string; draft: PlaygroundDraft | null }): string {
  const id = newId('session');
  const now = nowIso();
  db.prepare(
    'INSERT INTO playground_sessions (id, title, owner_token_id, owner_label, shared, draft, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)',
  ).run(id, input.title, caller.tokenId, caller.label, toJson(input.draft), now, now);
  return id;
}

export function updateSessionRow(
  db: Db,
  id: string,
  patch: { title?: string | undefined; shared?: boolean | undefined; draft?: PlaygroundDraft | undefined },
): void {
  const columns: [string, unknown][] = [['updated_at', nowIso()]];
  if (patch.title !== undefined) columns.push(['title', patch.title]);
  if (patch.shared !== undefined) columns.push(['shared', patch.shared ? 1 : 0]);
  if (patch.draft !== undefined) columns.push(['draft', toJson(patch.draft)]);
  db.prepare(`UPDATE playground_sessions SET ${columns.map(([name]) => `${name} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
}

export function deleteSessionRow(db: Db, id: string): void {
  db.prepare('DELETE FROM playground_sessions WHERE id = ?').run(id);
}

export function insertRun(db: Db, run: PlaygroundRun): void {
  db.prepare('INSERT INTO playground_runs (id, session_id, created_at, prompt, settings, panes, search_text) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    run.id,
    run.sessionId,
    run.createdAt,
    JSON.stringify(run.prompt),
    JSON.stringify(run.settings),
    JSON.stringify(run.panes),
    searchTextOf(run.prompt, run.panes),
  );
  db.prepare('UPDATE playground_sessions SET updated_at = ? WHERE id = ?').run(nowIso(), run.sessionId);
}

export function savePanes(db: Db, run: Pick<PlaygroundRun, 'id' | 'prompt' | 'panes'>): void {
  db.prepare('UPDATE playground_runs SET panes = ?, search_text = ? WHERE id = ?').run(JSON.stringify(run.panes), searchTextOf(run.prompt, run.panes), run.id);
}

export function getRunRow(db: Db, id: string): PlaygroundRun | null {
  const row = db.prepare('SELECT * FROM playground_runs WHERE id = ?').get(id) as RunRow | undefined;
  return row ? toRun(row) : null;
}

/** Runs with panes still queued or running: a stopped server leaves them so. */
export function unfinishedRuns(db: Db): PlaygroundRun[] {
  return (db.prepare(`SELECT * FROM playground_runs WHERE panes LIKE '%"status":"queued"%' OR panes LIKE '%"status":"running"%'`).all() as RunRow[]).map(toRun);
}
