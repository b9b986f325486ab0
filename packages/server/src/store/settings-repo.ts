import { settingsSchema, type Settings, type SettingsPatch } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

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
