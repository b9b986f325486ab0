/**
 * Training records for the CLI and the training loop: a dataset file read by the dataset layer
 * (`../data/`), refused as a whole at its first bad record with an error that names the file
 * and line, because training on part of a file the user did not look at would be a surprise.
 */
import type { DatasetFormat, DatasetMessage, DatasetParseOptions, DatasetProblem, DatasetRecord } from '@qlora-studio/contracts';
import { fileError } from '../data/detect.js';
import { parseTextDatasetBytes, readDatasetFile, type ParsedDataset } from '../data/parse.js';

/** One chat turn of a training record. */
export type TrainingMessage = DatasetMessage;

/** One training example: raw text (trains on everything) or a chat (trains on assistant turns). */
export type TrainingRecord = DatasetRecord;

/** The record layouts a file may use; detected from its first record, then required of all. */
export type RecordFormat = DatasetFormat;

/** `file:12` for a JSON line (as compilers print it), `file: record 12` otherwise, then the message it is in. */
function whereOf(file: string, problem: DatasetProblem): string {
  const line = /^line (\d+)$/.exec(problem.location);
  const where = line ? `${file}:${line[1]}` : `${file}: ${problem.location}`;
  const message = problem.field === undefined ? null : /^[^[]+\[(\d+)\]\./.exec(problem.field);
  return message ? `${where}, message ${message[1]}` : where;
}

function trainingRecordsOf(parsed: ParsedDataset, file: string): { format: RecordFormat; records: TrainingRecord[] } {
  const error = parsed.problems.find((p) => p.severity === 'error');
  if (error) throw fileError(whereOf(file, error), error.message);
  return { format: parsed.format!, records: parsed.records as TrainingRecord[] };
}

/**
 * Parse the contents of a training file (JSON array, JSON lines, CSV, TSV or text, by the name's
 * extension and the contents); the layout is detected from the first record.
 */
export function parseTrainingRecords(content: string, file: string): { format: RecordFormat; records: TrainingRecord[] } {
  return trainingRecordsOf(parseTextDatasetBytes(new TextEncoder().encode(content), file), file);
}

/**
 * Read a training file of any type the dataset layer reads — Parquet included — refused at its
 * first bad record like `parseTrainingRecords`.
 */
export async function readTrainingFile(file: string, options: DatasetParseOptions = {}): Promise<{ format: RecordFormat; records: TrainingRecord[] }> {
  return trainingRecordsOf(await readDatasetFile(file, options), file);
}
