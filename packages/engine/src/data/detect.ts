/**
 * Whole-file checks before any record is read: what kind of file this is, and the problems that
 * make the whole file unreadable (empty, too big, binary, an archive, not UTF-8). Each throws
 * INVALID_ARGUMENT naming the file and what to do, because no per-record report could help.
 */
import path from 'node:path';
import type { DatasetFileType } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';

/** How far binary content is looked for: NUL bytes never occur in UTF-8 text. */
const BINARY_SNIFF_BYTES = 8192;

const extensions: Record<string, DatasetFileType> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
  '.txt': 'txt',
};

/** An INVALID_ARGUMENT error about the whole file `name`. */
export function fileError(name: string, message: string, cause?: unknown): EngineError {
  return new EngineError('INVALID_ARGUMENT', `${name}: ${message}`, cause === undefined ? undefined : { cause });
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

const isParquet = (bytes: Uint8Array): boolean => startsWith(bytes, [0x50, 0x41, 0x52, 0x31]); // "PAR1"

/** Refuse an empty file, or one over `maxBytes`. */
export function checkFileSize(size: number, name: string, maxBytes?: number): void {
  if (size === 0) throw fileError(name, 'the file is empty.');
  if (maxBytes !== undefined && size > maxBytes) throw fileError(name, `the file is ${size} bytes, over the limit of ${maxBytes} bytes.`);
}

/** Refuse files no reader can make sense of; see the module comment. */
export function checkFileBytes(bytes: Uint8Array, name: string, maxBytes?: number): void {
  checkFileSize(bytes.length, name, maxBytes);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    throw fileError(name, 'is a zip archive; extract it and upload the JSON/CSV/Parquet/text file inside.');
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    throw fileError(name, 'is a gzip archive; decompress it and upload the JSON/CSV/Parquet/text file inside.');
  }
  // Parquet is binary by design; everything else must be text.
  if (!isParquet(bytes) && bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
    throw fileError(
      name,
      'holds binary content (NUL bytes), not text; datasets are JSON, JSONL, CSV, TSV, Parquet or UTF-8 text (UTF-16 files must be saved as UTF-8).',
    );
  }
}

/** The file type: `override`, else the extension, else the contents. */
export function detectFileType(name: string, bytes: Uint8Array, override?: DatasetFileType): DatasetFileType {
  if (override) return override;
  const byExtension = extensions[path.extname(name).toLowerCase()];
  if (byExtension) return byExtension;
  if (isParquet(bytes)) return 'parquet';
  // Look at the first non-blank character of the text: JSON arrays and JSON lines announce themselves.
  const head = new TextDecoder()
    .decode(bytes.subarray(0, BINARY_SNIFF_BYTES))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return 'jsonl';
  const firstLine = head.split('\n', 1)[0] ?? '';
  if (firstLine.includes('\t')) return 'tsv';
  return 'txt';
}

/**
 * Byte offset of the first byte that is not part of a valid UTF-8 sequence (overlong forms,
 * surrogates and code points over U+10FFFF are invalid, as TextDecoder's fatal mode says), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // [length, lowest valid second byte, highest valid second byte] per lead byte range.
    let length: number,
      low = 0x80,
      high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/** Decode strict UTF-8 (a BOM is dropped); invalid bytes are a whole-file error with their place. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    throw fileError(name, `is not valid UTF-8: the first invalid byte is at byte offset ${offset} (line ${line}); save the file as UTF-8.`, error);
  }
}
