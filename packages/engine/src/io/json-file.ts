import fs from 'node:fs';
import path from 'node:path';
import { EngineError, type EngineErrorCode } from '../errors.js';

/**
 * Read a JSON file of a model or adapter folder. A missing file gives `undefined`; a file that
 * is not JSON throws `code` with the file's name, so the user knows which file to fix.
 */
export function readJsonFile(file: string, code: EngineErrorCode): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError(code, `${file} could not be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EngineError(code, `${path.basename(file)} is not valid JSON (${(error as Error).message}) in ${path.dirname(file)}.`, { cause: error });
  }
}

/** A JSON object as a record, or `undefined` for anything else. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Token ids from a JSON field that may hold one id, a list of ids, or null. */
export function tokenIdList(value: unknown): number[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => Number.isInteger(v) && (v as number) >= 0);
}
