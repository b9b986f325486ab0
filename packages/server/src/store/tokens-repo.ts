import { createHash, randomBytes } from 'node:crypto';
import type { AccessToken, Role } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Only a hash of each token is stored; the token itself is shown once, when created. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toToken(row: TokenRow): AccessToken {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

export function createToken(db: Db, role: Role, name: string): { token: string; record: AccessToken } {
  const id = `tok_${randomBytes(4).toString('hex')}`;
  const token = `qls_${randomBytes(24).toString('base64url')}`;
  db.prepare('INSERT INTO access_tokens (id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(id, name, role, hashToken(token), nowIso());
  const row = db.prepare('SELECT * FROM access_tokens WHERE id = ?').get(id) as TokenRow;
  return { token, record: toToken(row) };
}

/** The live token matching `token`, recording its use; undefined if unknown or revoked. */
export function findToken(db: Db, token: string): AccessToken | undefined {
  const row = db.prepare('SELECT * FROM access_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(hashToken(token)) as TokenRow | undefined;
  if (!row) return undefined;
  db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE id = ?').run(nowIso(), row.id);
  return toToken(row);
}

export function listTokens(db: Db): AccessToken[] {
  return (db.prepare('SELECT * FROM access_tokens WHERE revoked_at IS NULL ORDER BY created_at').all() as TokenRow[]).map(toToken);
}

export function revokeToken(db: Db, id: string): boolean {
  return db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(nowIso(), id).changes > 0;
}

export function hasPractitionerToken(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM access_tokens WHERE role = 'practitioner' AND revoked_at IS NULL LIMIT 1`).get() !== undefined;
}
