/**
 * Reading a dataset file into internal records: whole-file checks, the reader of its type, then
 * its layout applied record by record with every problem collected.
 */
import fs from 'node:fs';
import type { ColumnMapping, DatasetFileType, DatasetFormat, DatasetParseOptions, DatasetProblem, DatasetRecord } from '@qlora-studio/contracts';
import { checkFileBytes, checkFileSize, decodeUtf8, detectFileType, fileError } from './detect.js';
import { detectLayout, toDatasetRecord, unknownLayoutMessage } from './layouts.js';
import { RecordProblems } from './problems.js';
import { readDelimited, readJson, readParquet, readText, type SourceFile } from './readers.js';

export type ReadDatasetOptions = DatasetParseOptions & {
  /** Refuse files larger than this many bytes. */
  maxBytes?: number;
};

export interface ParsedDataset {
  fileType: DatasetFileType;
  /** The layout; null when the first record matches none (every record then has an 'unknown-layout' error). */
  format: DatasetFormat | null;
  /** One per record of the file, in order; null where the record has an error. */
  records: (DatasetRecord | null)[];
  /** Where each record is (`line 3`, `record 3`, `row 3`, `document 3`), parallel to `records`. */
  locations: string[];
  problems: DatasetProblem[];
  columns: string[];
  /** Which source columns held the layout's fields: the mapping given, or the one detected (e.g. question → prompt). */
  mapping: ColumnMapping;
}

function applyLayout(source: SourceFile, name: string, options: DatasetParseOptions): ParsedDataset {
  if (source.entries.length === 0) throw fileError(name, 'holds no records: the dataset is empty.');
  if (source.fileType === 'txt' && options.format !== undefined && options.format !== 'text') {
    throw fileError(name, `a plain text file holds raw text; it cannot have the "${options.format}" layout.`);
  }
  const first = source.entries.find((e) => e.problem === undefined);
  const detected = first === undefined ? null : detectLayout(first.value, options.columns);
  const format = options.format ?? detected?.format ?? null;
  // A layout chosen without a mapping still finds its columns when detection agrees (question → prompt...).
  const columns = options.columns ?? (detected?.format === format ? detected.columns : {});
  const problems: DatasetProblem[] = [];
  const records = source.entries.map((entry, i) => {
    const collect = new RecordProblems(i, entry.location, problems);
    if (entry.problem) return (collect.add(entry.problem.kind, entry.problem.message), null);
    if (format === null) return (collect.add('unknown-layout', unknownLayoutMessage(entry.value)), null);
    const record = toDatasetRecord(entry.value, format, columns, collect);
    return collect.errors > 0 ? null : record;
  });
  return { fileType: source.fileType, format, records, locations: source.entries.map((e) => e.location), problems, columns: source.columns, mapping: columns };
}

function readTextual(text: string, fileType: Exclude<DatasetFileType, 'parquet'>, name: string, options: DatasetParseOptions): SourceFile {
  switch (fileType) {
    case 'json':
    case 'jsonl':
      return readJson(text, name);
    case 'csv':
      return readDelimited(text, ',');
    case 'tsv':
      return readDelimited(text, '\t');
    case 'txt':
      return readText(text, options.separator);
  }
}

/** Synchronous reading of every type but Parquet (whose reader is asynchronous), for text given inline. */
export function parseTextDatasetBytes(bytes: Uint8Array, name: string, options: ReadDatasetOptions = {}): ParsedDataset {
  checkFileBytes(bytes, name, options.maxBytes);
  const fileType = detectFileType(name, bytes, options.fileType);
  if (fileType === 'parquet') throw fileError(name, 'is a Parquet file; read it with readDatasetFile (asynchronous).');
  return applyLayout(readTextual(decodeUtf8(bytes, name), fileType, name, options), name, options);
}

/** A dataset file's bytes (named `name`, for its type and in messages) → records and problems. */
export async function parseDatasetBytes(bytes: Uint8Array, name: string, options: ReadDatasetOptions = {}): Promise<ParsedDataset> {
  checkFileBytes(bytes, name, options.maxBytes);
  if (detectFileType(name, bytes, options.fileType) !== 'parquet') return parseTextDatasetBytes(bytes, name, options);
  return applyLayout(await readParquet(bytes, name), name, options);
}

/** A file's bytes, its size checked first; whole-file problems throw INVALID_ARGUMENT naming the file. */
async function readFileBytes(file: string, maxBytes: number | undefined): Promise<Uint8Array> {
  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw fileError(file, `cannot be read: ${(error as Error).message}`, error);
    }
  };
  // Refuse an oversized file before reading it into memory.
  checkFileSize((await read(() => fs.promises.stat(file))).size, file, maxBytes);
  return read(() => fs.promises.readFile(file));
}

/** Read a dataset file; whole-file problems throw INVALID_ARGUMENT, record problems are collected. */
export async function readDatasetFile(file: string, options: ReadDatasetOptions = {}): Promise<ParsedDataset> {
  return parseDatasetBytes(await readFileBytes(file, options.maxBytes), file, options);
}

/**
 * A dataset file's rows as they are, before any layout: for evaluation, whose fields
 * (question, choices, answer…) are no training layout. Rows that could not be read carry their problem.
 */
export async function readDatasetRows(file: string, options: Pick<ReadDatasetOptions, 'maxBytes' | 'fileType' | 'separator'> = {}): Promise<SourceFile> {
  const bytes = await readFileBytes(file, options.maxBytes);
  checkFileBytes(bytes, file, options.maxBytes);
  const fileType = detectFileType(file, bytes, options.fileType);
  return fileType === 'parquet' ? readParquet(bytes, file) : readTextual(decodeUtf8(bytes, file), fileType, file, options);
}
