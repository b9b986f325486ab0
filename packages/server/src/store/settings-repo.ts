import { settingsSchema, type JudgeConnection, type Settings, type SettingsPatch, type UpdateJudgeConnectionBody } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';
import type { JudgeEndpoint } from '../jobs/judge-client.js';

/** Stored settings over the defaults. A stored value that no longer validates falls back to its default. */
export function readSettings(db: Db): Settings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const stored: Record<string, unknown> = {};
  for (const { key, value } of rows) stored[key] = JSON.parse(value);
  const shape = settingsSchema.shape;
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof Settings)[]) {
    const parsed = shape[key].safeParse(stored[key]);
    if (parsed.success) merged[key] = parsed.data;
  }
  return settingsSchema.parse(merged);
}

export function writeSettings(db: Db, patch: SettingsPatch): Settings {
  const upsert = db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) upsert.run(key, JSON.stringify(value), nowIso());
    }
  })();
  return readSettings(db);
}

// ---- the judge connection -------------------------------------------------------------------

/**
 * The judge endpoint lives in the settings table under its own key (settingsSchema has no such
 * field, so readSettings never returns it). The API key is stored here and nowhere else: not in
 * job configs, which the API shows (the runner hands it to a judge job's worker when it starts
 * it, in the IPC start message; see jobs/protocol.ts).
 */
const JUDGE_KEY = 'connection.judge';

/** The stored endpoint with its key, or null when none is configured. */
export function readJudgeEndpoint(db: Db): JudgeEndpoint | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(JUDGE_KEY) as { value: string } | undefined;
  if (!row) return null;
  const stored = JSON.parse(row.value) as Partial<JudgeEndpoint>;
  if (typeof stored.baseUrl !== 'string' || typeof stored.model !== 'string') return null;
  return { baseUrl: stored.baseUrl, model: stored.model, apiKey: typeof stored.apiKey === 'string' && stored.apiKey ? stored.apiKey : null };
}

/** What the API shows: never the key, only whether one is set. */
export function readJudgeConnection(db: Db): JudgeConnection {
  const endpoint = readJudgeEndpoint(db);
  return endpoint
    ? { baseUrl: endpoint.baseUrl, model: endpoint.model, apiKeySet: endpoint.apiKey !== null }
    : { baseUrl: null, model: null, apiKeySet: false };
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * Set the endpoint, or remove everything (baseUrl null). An absent apiKey keeps the stored one,
 * but only while the endpoint stays on the same origin: a key is never sent to a server the user
 * did not give it for.
 */
export function writeJudgeConnection(db: Db, body: UpdateJudgeConnectionBody): JudgeConnection {
  if (body.baseUrl === null) {
    db.prepare('DELETE FROM settings WHERE key = ?').run(JUDGE_KEY);
    return readJudgeConnection(db);
  }
  const before = readJudgeEndpoint(db);
  const kept = before && origin(before.baseUrl) === origin(body.baseUrl) ? before.apiKey : null;
  const apiKey = body.apiKey === undefined ? kept : body.apiKey?.trim() || null;
  const value: JudgeEndpoint = { baseUrl: body.baseUrl, model: body.model ?? before?.model ?? '', apiKey };
  db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(JUDGE_KEY, JSON.stringify(value), nowIso());
  return readJudgeConnection(db);
}
