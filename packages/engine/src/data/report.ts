/**
 * The dataset report: problems (the reader's, plus exact duplicates and, with a model, records
 * its chat template cannot render or that train nothing), token statistics and rendered samples
 * that show exactly which text trains.
 */
import type { DatasetProblem, DatasetRecord, DatasetReport, DatasetSample, TokenStats } from '@qlora-studio/contracts';
import { EngineError } from '../errors.js';
import type { ChatTemplate } from '../io/chat-template.js';
import type { Tokenizer } from '../io/tokenizer.js';
import { percentile } from '../train/pack.js';
import { IGNORE_INDEX } from '../train/labels.js';
import { tokenizeRecord, type TokenizedExample } from '../train/tokenize.js';
import type { ParsedDataset } from './parse.js';
import { RecordProblems } from './problems.js';

export interface DatasetReportOptions {
  /** The model's tokenizer: without it there are no token statistics and no samples. */
  tokenizer?: Tokenizer;
  chatTemplate?: ChatTemplate | null;
  /** Default 2048. */
  seqLen?: number;
  trainOn?: 'completions' | 'all';
  /** Rendered samples: the first this many valid records (default 3). */
  samples?: number;
  /** Problems listed (all are counted); default 1000. */
  problemLimit?: number;
}

export const DEFAULT_REPORT_SEQ_LEN = 2048;
const HISTOGRAM_BINS = 20;

/** One 'duplicate' warning per extra copy of a record, naming the first copy; returns the count. */
function findDuplicates(parsed: ParsedDataset, problems: DatasetProblem[]): number {
  const first = new Map<string, number>();
  let duplicates = 0;
  parsed.records.forEach((record, i) => {
    if (record === null) return;
    // Records are built with a fixed key order, so their JSON is canonical.
    const key = JSON.stringify(record);
    const original = first.get(key);
    if (original === undefined) return void first.set(key, i);
    duplicates++;
    new RecordProblems(i, parsed.locations[i]!, problems).add('duplicate', `an exact duplicate of ${parsed.locations[original]}.`, { severity: 'warning' });
  });
  return duplicates;
}

/** Records that tokenize, by index; a record the chat template cannot render gets a problem instead. */
function tokenizeAll(
  parsed: ParsedDataset,
  options: DatasetReportOptions & { tokenizer: Tokenizer },
  problems: DatasetProblem[],
): Map<number, TokenizedExample> {
  const examples = new Map<number, TokenizedExample>();
  parsed.records.forEach((record, i) => {
    if (record === null) return;
    try {
      examples.set(i, tokenizeRecord(record, options));
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      // A template that refuses these roles (or a model with none) cannot train this record.
      const kind = error.code === 'CHAT_TEMPLATE_MISSING' ? 'no-trained-tokens' : 'role-order';
      new RecordProblems(i, parsed.locations[i]!, problems).add(kind, error.message);
    }
  });
  return examples;
}

const trainedIn = (labels: readonly number[], end = labels.length): number => labels.slice(0, end).filter((l) => l !== IGNORE_INDEX).length;

function tokenStats(examples: readonly TokenizedExample[], seqLen: number): TokenStats {
  const lengths = examples.map((e) => e.inputIds.length).sort((a, b) => a - b);
  const max = lengths[lengths.length - 1] ?? 0;
  const total = lengths.reduce((s, n) => s + n, 0);
  const width = Math.max(1, Math.ceil((max + 1) / HISTOGRAM_BINS));
  const histogram = Array.from({ length: lengths.length === 0 ? 0 : Math.ceil((max + 1) / width) }, (_, k) => ({
    start: k * width,
    end: (k + 1) * width,
    count: 0,
  }));
  for (const n of lengths) histogram[Math.floor(n / width)]!.count++;
  return {
    seqLen,
    min: lengths[0] ?? 0,
    mean: lengths.length === 0 ? 0 : total / lengths.length,
    p50: percentile(lengths, 50),
    p90: percentile(lengths, 90),
    p99: percentile(lengths, 99),
    max,
    totalTokens: total,
    trainedTokens: examples.reduce((s, e) => s + trainedIn(e.labels, seqLen), 0), // what training keeps: it truncates at seqLen
    overSeqLen: lengths.filter((n) => n > seqLen).length,
    histogram,
  };
}

/** The first `seqLen` tokens as runs of trained / not trained text. */
function renderSample(record: number, example: TokenizedExample, tokenizer: Tokenizer, seqLen: number): DatasetSample {
  const shown = Math.min(seqLen, example.inputIds.length);
  const pieces: DatasetSample['pieces'] = [];
  for (let start = 0; start < shown;) {
    const trained = example.labels[start] !== IGNORE_INDEX;
    let end = start + 1;
    while (end < shown && (example.labels[end] !== IGNORE_INDEX) === trained) end++;
    pieces.push({ text: tokenizer.decode(example.inputIds.slice(start, end)), trained });
    start = end;
  }
  return { record, pieces, tokens: example.inputIds.length, trainedTokens: trainedIn(example.labels), truncated: example.inputIds.length > seqLen };
}

/** Build the report of a parsed dataset (see the module comment). Never throws for a record. */
export function buildDatasetReport(parsed: ParsedDataset, options: DatasetReportOptions = {}): DatasetReport {
  const problems = [...parsed.problems];
  const duplicates = findDuplicates(parsed, problems);
  const seqLen = options.seqLen ?? DEFAULT_REPORT_SEQ_LEN;
  let tokens: TokenStats | null = null;
  let samples: DatasetSample[] = [];
  const { tokenizer } = options;
  if (tokenizer) {
    const examples = tokenizeAll(parsed, { ...options, tokenizer }, problems);
    for (const [i, example] of examples) {
      if (trainedIn(example.labels, seqLen) > 0) continue;
      const why =
        trainedIn(example.labels) > 0
          ? `all its trained tokens are past the sequence length of ${seqLen} tokens, so truncation leaves nothing to train.`
          : 'no token of it is trained (with completion-only training, only assistant turns train).';
      new RecordProblems(i, parsed.locations[i]!, problems).add('no-trained-tokens', why, { severity: 'warning' });
    }
    tokens = tokenStats([...examples.values()], seqLen);
    samples = [...examples].slice(0, options.samples ?? 3).map(([i, example]) => renderSample(i, example, tokenizer, seqLen));
  }
  // Stable sort: each record's problems together, in the order they were found.
  problems.sort((a, b) => a.record - b.record);
  const failed = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.record));
  const errorCount = problems.filter((p) => p.severity === 'error').length;
  return {
    fileType: parsed.fileType,
    format: parsed.format,
    records: parsed.records.length,
    valid: parsed.records.filter((r: DatasetRecord | null, i) => r !== null && !failed.has(i)).length,
    problems: problems.slice(0, options.problemLimit ?? 1000),
    errorCount,
    warningCount: problems.length - errorCount,
    duplicates,
    columns: parsed.columns,
    mapping: parsed.mapping,
    tokens,
    samples,
  };
}
