/**
 * Readers: one file type → source records (`entries`) with their location, before any layout is
 * applied. A record that cannot even be read (an invalid JSON line, a ragged CSV row) is still
 * an entry, with its problem, so that record numbers and counts stay those of the file.
 */
import type { DatasetProblemKind } from '@qlora-studio/contracts';
import { parquetReadObjects } from 'hyparquet';
import Papa from 'papaparse';
import { fileError } from './detect.js';
import { jsonErrorPosition, lineColumnAt } from './json-position.js';
import { isObject } from './problems.js';

export interface SourceEntry {
  value: unknown;
  /** `line 3`, `record 3`, `row 3`, `document 3` (1-based). */
  location: string;
  /** Set when the entry could not be read at all. */
  problem?: { kind: DatasetProblemKind; message: string };
}

export interface SourceFile {
  /** 'json' or 'jsonl' as the contents turned out (see `readJson`). */
  fileType: 'json' | 'jsonl' | 'csv' | 'tsv' | 'parquet' | 'txt';
  entries: SourceEntry[];
  /** Source columns / top-level fields, in order of first appearance. */
  columns: string[];
}

/** Top-level keys of the object entries, in order of first appearance. */
function fieldsOf(entries: readonly SourceEntry[]): string[] {
  const seen = new Set<string>();
  for (const entry of entries) if (isObject(entry.value)) for (const key of Object.keys(entry.value)) seen.add(key);
  return [...seen];
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJsonFile(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = lineColumnAt(text, jsonErrorPosition(text, error as Error));
    throw fileError(name, `invalid JSON at line ${line}, column ${column}: ${(error as Error).message}`, error);
  }
}

function readJsonLines(text: string): SourceFile {
  const entries: SourceEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const location = `line ${i + 1}`;
    try {
      entries.push({ value: JSON.parse(line), location });
    } catch (error) {
      entries.push({ value: undefined, location, problem: { kind: 'invalid-json', message: `invalid JSON: ${(error as Error).message}` } });
    }
  });
  return { fileType: 'jsonl', entries, columns: fieldsOf(entries) };
}

/**
 * JSON and JSON lines, told apart by the contents whatever the extension says (datasets named
 * `.json` are often JSON lines): an array is a JSON file, anything else one record a line. A
 * whole-file syntax error in an array is located by line and column.
 */
export function readJson(text: string, name: string): SourceFile {
  const body = text.trimStart();
  if (!body.startsWith('[')) {
    // One pretty-printed object is not JSON lines: say so rather than report every line.
    if (body.startsWith('{') && !parsesAsJson(body.split('\n', 1)[0]!) && parsesAsJson(body)) {
      throw fileError(name, 'holds one JSON object, not an array of records; a .json dataset is an array [{...}, {...}] (or JSON lines: one object a line).');
    }
    return readJsonLines(text);
  }
  // A text starting with "[" that parses is an array.
  const array = parseJsonFile(text, name) as unknown[];
  const entries = array.map((value, i): SourceEntry => ({ value, location: `record ${i + 1}` }));
  return { fileType: 'json', entries, columns: fieldsOf(entries) };
}

/** CSV / TSV with a header row; every cell is a string. */
export function readDelimited(text: string, delimiter: ',' | '\t'): SourceFile {
  const result = Papa.parse<Record<string, unknown>>(text, { header: true, delimiter, skipEmptyLines: true });
  const rowProblems = new Map<number, string>();
  for (const error of result.errors) {
    if (error.row === undefined) continue;
    // FieldMismatch (more or fewer cells than the header) numbers data rows; Quotes errors (a
    // malformed or unclosed quote) count the header line too.
    const row = error.type === 'Quotes' ? error.row - 1 : error.row;
    if (!rowProblems.has(row)) rowProblems.set(row, error.message);
  }
  const entries = result.data.map((row, i): SourceEntry => {
    const { __parsed_extra: _extra, ...value } = row;
    const problem = rowProblems.get(i);
    return { value, location: `row ${i + 1}`, ...(problem === undefined ? {} : { problem: { kind: 'ragged-row', message: problem } }) };
  });
  return { fileType: delimiter === ',' ? 'csv' : 'tsv', entries, columns: result.meta.fields ?? [] };
}

/** Parquet values as JSON would hold them: INT64 columns come back as bigint. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value) && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Parquet rows as objects (nested list/struct columns come back as arrays and objects). */
export async function readParquet(bytes: Uint8Array, name: string): Promise<SourceFile> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file });
  } catch (error) {
    throw fileError(name, `cannot be read as Parquet: ${(error as Error).message}`, error);
  }
  const entries = rows.map((row, i): SourceEntry => ({ value: plain(row), location: `row ${i + 1}` }));
  return { fileType: 'parquet', entries, columns: fieldsOf(entries) };
}

/**
 * Plain text: documents separated by blank lines, or by `separator` (e.g. `<|endoftext|>`).
 * Whitespace around each document is the separator's layout, not text to train on; empty
 * fragments are dropped.
 */
export function readText(text: string, separator?: string): SourceFile {
  const fragments = separator === undefined ? text.split(/\r?\n[ \t]*\r?\n/) : text.split(separator);
  const documents = fragments.map((f) => f.trim()).filter((f) => f !== '');
  return { fileType: 'txt', entries: documents.map((document, i) => ({ value: { text: document }, location: `document ${i + 1}` })), columns: [] };
}
