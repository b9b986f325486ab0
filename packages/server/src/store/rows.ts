import { randomBytes } from 'node:crypto';

/** JSON column helpers: the store keeps structured fields as JSON text. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** A sortable, unguessable id: `<prefix>_<time base36><8 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
