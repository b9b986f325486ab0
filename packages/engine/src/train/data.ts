/**
 * Training records: reading JSONL files (or JSON arrays) of raw text, OpenAI `messages` chats
 * or alpaca instructions into one representation, with errors that name the file and line.
 */
import fs from 'node:fs';
import { EngineError } from '../errors.js';

/** One chat turn of a training record. */
export interface TrainingMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One training example: raw text (trains on everything) or a chat (trains on assistant turns). */
export type TrainingRecord = { kind: 'text'; text: string } | { kind: 'chat'; messages: TrainingMessage[] };

/** The record layouts a file may use; detected from its first record, then required of all. */
export type RecordFormat = 'text' | 'messages' | 'alpaca';

const roles = new Set(['system', 'user', 'assistant']);

function bad(where: string, message: string, cause?: unknown): EngineError {
  return new EngineError('INVALID_ARGUMENT', `${where}: ${message}`, cause === undefined ? undefined : { cause });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which layout `value` uses, or null when it matches none. */
export function detectRecordFormat(value: unknown): RecordFormat | null {
  if (!isObject(value)) return null;
  if ('messages' in value) return 'messages';
  if ('instruction' in value || 'output' in value) return 'alpaca';
  if ('text' in value) return 'text';
  return null;
}

function nonEmptyString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (value === undefined) throw bad(where, `the record has no "${key}" field.`);
  if (typeof value !== 'string') throw bad(where, `"${key}" must be a string, not ${Array.isArray(value) ? 'an array' : typeof value}.`);
  if (value.trim() === '') throw bad(where, `"${key}" is empty.`);
  return value;
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string {
  const value = record[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw bad(where, `"${key}" must be a string, not ${typeof value}.`);
  return value;
}

function messagesRecord(record: Record<string, unknown>, where: string): TrainingRecord {
  const raw = record.messages;
  if (!Array.isArray(raw) || raw.length === 0) throw bad(where, '"messages" must be a non-empty array of {role, content}.');
  const messages = raw.map((m: unknown, i): TrainingMessage => {
    const at = `${where}, message ${i}`;
    if (!isObject(m)) throw bad(at, 'a message must be an object {role, content}.');
    if (typeof m.role !== 'string' || !roles.has(m.role)) {
      throw bad(at, `role ${JSON.stringify(m.role)} is not supported; use "system", "user" or "assistant".`);
    }
    if (typeof m.content !== 'string') {
      throw bad(at, `"content" must be a string, not ${m.content === undefined ? 'missing' : Array.isArray(m.content) ? 'an array' : typeof m.content}.`);
    }
    // An empty system prompt is harmless; an empty user or assistant turn is a broken record.
    if (m.role !== 'system' && m.content.trim() === '') throw bad(at, `the ${m.role} message is empty.`);
    return { role: m.role as TrainingMessage['role'], content: m.content };
  });
  if (!messages.some((m) => m.role === 'assistant')) throw bad(where, 'the chat has no assistant message, so nothing in it would be trained.');
  return { kind: 'chat', messages };
}

function alpacaRecord(record: Record<string, unknown>, where: string): TrainingRecord {
  const instruction = nonEmptyString(record, 'instruction', where);
  const input = optionalString(record, 'input', where);
  const output = nonEmptyString(record, 'output', where);
  const system = optionalString(record, 'system', where);
  // The common alpaca → chat mapping (LLaMA-Factory, Axolotl): input follows the instruction.
  const user = input.trim() === '' ? instruction : `${instruction}\n\n${input}`;
  const messages: TrainingMessage[] = [
    ...(system.trim() === '' ? [] : [{ role: 'system' as const, content: system }]),
    { role: 'user', content: user },
    { role: 'assistant', content: output },
  ];
  return { kind: 'chat', messages };
}

/** Convert one parsed record of layout `format`; `where` (file:line) prefixes every error. */
export function toTrainingRecord(value: unknown, format: RecordFormat, where: string): TrainingRecord {
  if (!isObject(value)) throw bad(where, 'a record must be a JSON object.');
  const found = detectRecordFormat(value);
  if (found !== format) {
    throw bad(where, found === null ? `the record has none of the fields of the "${format}" layout the file started with.` : `the record uses the "${found}" layout but the file started with "${format}"; use one layout per file.`);
  }
  if (format === 'text') return { kind: 'text', text: nonEmptyString(value, 'text', where) };
  return format === 'messages' ? messagesRecord(value, where) : alpacaRecord(value, where);
}

/**
 * Parse the contents of a training file: a JSON array of records, or JSONL (one record a
 * line; blank lines are skipped). The layout is detected from the first record.
 */
export function parseTrainingRecords(content: string, file: string): { format: RecordFormat; records: TrainingRecord[] } {
  const entries: { value: unknown; where: string }[] = [];
  const body = content.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('[')) {
    let array: unknown;
    try {
      array = JSON.parse(body);
    } catch (error) {
      throw bad(file, `is not valid JSON: ${(error as Error).message}`, error);
    }
    if (!Array.isArray(array)) throw bad(file, 'must hold a JSON array of records.');
    array.forEach((value, i) => entries.push({ value, where: `${file}: record ${i + 1}` }));
  } else {
    body.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${file}:${i + 1}`;
      try {
        entries.push({ value: JSON.parse(line), where });
      } catch (error) {
        throw bad(where, `invalid JSON: ${(error as Error).message}`, error);
      }
    });
  }
  if (entries.length === 0) throw bad(file, 'the dataset is empty: it holds no training records.');
  const first = entries[0]!;
  const format = detectRecordFormat(first.value);
  if (format === null) {
    throw bad(first.where, 'unknown record layout; expected "text", "messages" (OpenAI chat) or alpaca "instruction"/"input"/"output".');
  }
  return { format, records: entries.map((e) => toTrainingRecord(e.value, format, e.where)) };
}

/** Read a training file (`.jsonl` or a `.json` array); see `parseTrainingRecords`. */
export function readTrainingFile(file: string): { format: RecordFormat; records: TrainingRecord[] } {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw bad(file, `cannot be read: ${(error as Error).message}`, error);
  }
  return parseTrainingRecords(content, file);
}
