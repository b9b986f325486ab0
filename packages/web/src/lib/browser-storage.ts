/**
 * The one way the app reads and writes localStorage and sessionStorage. What is stored was
 * written by an earlier visit — maybe by an older version of the app, maybe edited by hand — so
 * it is read through a zod schema, and anything missing, unreadable or of another shape gives a
 * default instead. Storage may also be blocked (private mode, sandboxed frames) or full: reads
 * then give the default and writes are skipped, and the page goes on with what it holds.
 */
import { z } from 'zod';

export type StorageArea = 'local' | 'session';

function storageOf(area: StorageArea): Storage {
  return area === 'local' ? localStorage : sessionStorage;
}

/** The text stored under `key`, or null when there is none or storage is blocked. */
export function readStoredText(area: StorageArea, key: string): string | null {
  try {
    return storageOf(area).getItem(key);
  } catch {
    return null;
  }
}

/** Stores `text` under `key`; null removes it. Blocked or full storage: nothing is kept. */
export function writeStoredText(area: StorageArea, key: string, text: string | null): void {
  try {
    if (text === null) storageOf(area).removeItem(key);
    else storageOf(area).setItem(key, text);
  } catch {
    // Storage blocked or full: the value lives on in the page only.
  }
}

/** The JSON in `raw` read through `schema`; `fallback()` when it is absent, not JSON, or of another shape. */
export function parseStored<T>(raw: string | null, schema: z.ZodType<T>, fallback: () => T): T {
  if (raw === null) return fallback();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fallback();
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : fallback();
}

export interface StoredJson<T> {
  readonly key: string;
  /** The stored value, or the fallback when there is none or it does not fit the schema. */
  read(): T;
  /** Keeps `value` (as JSON); null forgets it. */
  write(value: T | null): void;
}

/** A value kept as JSON under `key` in the browser's local or session storage, read through `schema`. */
export function storedJson<T>(area: StorageArea, key: string, schema: z.ZodType<T>, fallback: () => T): StoredJson<T> {
  return {
    key,
    read: () => parseStored(readStoredText(area, key), schema, fallback),
    write: (value) => writeStoredText(area, key, value === null ? null : JSON.stringify(value)),
  };
}

/**
 * A JSON object of named entries, keeping those that fit `entry` and leaving out the rest (an
 * older version may have written them): one bad entry does not cost the others.
 */
export function recordOfValid<T>(entry: z.ZodType<T>) {
  return z.record(z.string(), z.unknown()).transform((entries) => {
    const valid: Record<string, T> = {};
    for (const [name, value] of Object.entries(entries)) {
      const parsed = entry.safeParse(value);
      if (parsed.success) valid[name] = parsed.data;
    }
    return valid;
  });
}
