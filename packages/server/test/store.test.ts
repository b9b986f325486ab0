import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion, type Db } from '../src/store/database.js';
import { migrations } from '../src/store/migrations.js';
import { readSettings, writeSettings } from '../src/store/settings-repo.js';
import { createToken, findToken, hasPractitionerToken, revokeToken } from '../src/store/tokens-repo.js';
import { tempHome } from './helpers.js';

const homes: string[] = [];
function home(): string {
  const dir = tempHome();
  homes.push(dir);
  return dir;
}
afterEach(() => homes.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tables(db: Db): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

describe('database', () => {
  it('creates every table, in WAL mode, at the latest schema version', () => {
    const db = openDatabase(path.join(home(), 'studio.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.at(-1)?.version);
    expect(tables(db)).toEqual(expect.arrayContaining(['jobs', 'job_events', 'job_metrics', 'activity', 'settings', 'access_tokens', 'schema_migrations']));
    db.close();
  });

  it('applies each migration once, across restarts', () => {
    const file = path.join(home(), 'studio.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(migrate(db, migrations)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(migrations.length);
    db.close();
  });

  it('applies a new numbered migration on the next start', () => {
    const file = path.join(home(), 'studio.db');
    openDatabase(file).close();
    const next = [...migrations, { version: 99, name: 'add widgets', sql: 'CREATE TABLE widgets (id TEXT PRIMARY KEY);' }];
    const db = openDatabase(file, next);
    expect(schemaVersion(db)).toBe(99);
    expect(tables(db)).toContain('widgets');
    db.close();
  });

  it('rolls a failing migration back whole and keeps the old version', () => {
    const file = path.join(home(), 'studio.db');
    openDatabase(file).close();
    const broken = [...migrations, { version: 99, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL;' }];
    expect(() => openDatabase(file, broken)).toThrow();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(tables(db)).not.toContain('half');
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const file = path.join(home(), 'studio.db');
    openDatabase(file, [...migrations, { version: migrations.at(-1)!.version + 1, name: 'future', sql: 'SELECT 1;' }]).close();
    expect(() => openDatabase(file)).toThrow(/newer than this QLoRA Studio knows/);
  });
});

describe('settings', () => {
  it('starts at the defaults and keeps what is written', () => {
    const db = openDatabase(path.join(home(), 'studio.db'));
    expect(readSettings(db)).toEqual({
      jobConcurrency: 1,
      cancelGraceSeconds: 10,
      uploadLimitMiB: 1024,
      playgroundMaxNewTokens: 1024,
      playgroundConcurrentStreams: 1,
    });
    expect(writeSettings(db, { jobConcurrency: 2 })).toEqual({
      jobConcurrency: 2,
      cancelGraceSeconds: 10,
      uploadLimitMiB: 1024,
      playgroundMaxNewTokens: 1024,
      playgroundConcurrentStreams: 1,
    });
    db.prepare(`UPDATE settings SET value = '"garbage"' WHERE key = 'jobConcurrency'`).run();
    expect(readSettings(db).jobConcurrency).toBe(1);
    db.close();
  });
});

describe('access tokens', () => {
  it('stores only a hash, finds live tokens and forgets revoked ones', () => {
    const db = openDatabase(path.join(home(), 'studio.db'));
    expect(hasPractitionerToken(db)).toBe(false);
    const { token, record } = createToken(db, 'member', 'alice');
    expect(JSON.stringify(db.prepare('SELECT * FROM access_tokens').all())).not.toContain(token);
    expect(findToken(db, token)?.role).toBe('member');
    expect(findToken(db, `${token}x`)).toBeUndefined();
    expect(revokeToken(db, record.id)).toBe(true);
    expect(findToken(db, token)).toBeUndefined();
    createToken(db, 'practitioner', 'admin');
    expect(hasPractitionerToken(db)).toBe(true);
    db.close();
  });
});
