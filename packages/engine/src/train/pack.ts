/**
 * From records to training rows: tokenize, truncate to `seqLen`, drop examples left with no
 * trained token, optionally pack short examples into shared rows, and report on the dataset.
 */
import { EngineError } from '../errors.js';
import type { ChatTemplate } from '../io/chat-template.js';
import type { Tokenizer } from '../io/tokenizer.js';
import type { TrainingRecord } from './data.js';
import { IGNORE_INDEX } from './labels.js';
import { countTrained, noChatTemplateMessage, tokenizeRecord, type TokenizedExample } from './tokenize.js';

/**
 * One training row (unpadded). `positionIds` restart at 0 for each example and `segmentIds`
 * number the examples within the row (0, 1, ...): the model must use `positionIds` for RoPE and
 * a block-diagonal causal mask from `segmentIds` (see `blockCausalMask`), so that no token
 * attends to another example.
 */
export interface TrainingRow {
  inputIds: number[];
  labels: number[];
  positionIds: number[];
  segmentIds: number[];
}

/** What the dataset holds once tokenized. */
export interface DatasetReport {
  /** Records read. */
  examples: number;
  /** Examples kept (not dropped). */
  kept: number;
  /** Examples cut to `seqLen`. */
  truncated: number;
  /** Examples with no trained token left after truncation (not trained on). */
  dropped: number;
  /** Tokens of kept examples after truncation. */
  tokens: number;
  /** Tokens that train (label ≠ -100) in kept examples. */
  trainedTokens: number;
  /** Rows produced (fewer than `kept` when packing). */
  rows: number;
  /** Token lengths of all examples before truncation (nearest-rank percentiles). */
  lengths: { p50: number; p90: number; p99: number; max: number };
}

export interface PrepareOptions {
  tokenizer: Tokenizer;
  chatTemplate?: ChatTemplate | null;
  /** The longest row, in tokens. */
  seqLen: number;
  /** The model's `max_position_embeddings`: `seqLen` may not exceed it. */
  maxPositionEmbeddings: number;
  trainOn?: 'completions' | 'all';
  /** Greedily join consecutive examples into rows of ≤ `seqLen` tokens. Default false. */
  packing?: boolean;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Refuse bad settings before any work starts. */
export function checkPrepareOptions(records: readonly TrainingRecord[], options: PrepareOptions): void {
  const { seqLen, maxPositionEmbeddings } = options;
  if (!Number.isInteger(seqLen) || seqLen < 2) throw new EngineError('INVALID_ARGUMENT', `Sequence length must be an integer ≥ 2, not ${seqLen}.`);
  if (seqLen > maxPositionEmbeddings) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `Sequence length ${seqLen} is over this model's limit of ${maxPositionEmbeddings} tokens (max_position_embeddings). Choose ${maxPositionEmbeddings} or less.`,
    );
  }
  if (records.length === 0) throw new EngineError('INVALID_ARGUMENT', 'The dataset is empty: it holds no training records.');
  if (!options.chatTemplate && records.some((r) => r.kind === 'chat')) {
    throw new EngineError('CHAT_TEMPLATE_MISSING', noChatTemplateMessage);
  }
}

/** Keep the first `seqLen` tokens (the prompt and the start of the answer). */
export function truncateExample(example: TokenizedExample, seqLen: number): TokenizedExample {
  return { inputIds: example.inputIds.slice(0, seqLen), labels: example.labels.slice(0, seqLen) };
}

/** A row holding a single example. */
export function singleRow(example: TokenizedExample): TrainingRow {
  return {
    inputIds: [...example.inputIds],
    labels: [...example.labels],
    positionIds: example.inputIds.map((_, t) => t),
    segmentIds: example.inputIds.map(() => 0),
  };
}

/**
 * Greedy packing in dataset order: append each example to the current row while it fits in
 * `seqLen`, else start a new row. Every example must already be ≤ `seqLen`. The first label of
 * each example is -100 (tokenizeRecord guarantees it), so no loss crosses an example boundary.
 */
export function packExamples(examples: readonly TokenizedExample[], seqLen: number): TrainingRow[] {
  const rows: TrainingRow[] = [];
  let row: TrainingRow | null = null;
  for (const example of examples) {
    const n = example.inputIds.length;
    if (n > seqLen)
      throw new EngineError('INVALID_ARGUMENT', `An example of ${n} tokens is longer than the sequence length ${seqLen}; truncate before packing.`);
    if (!row || row.inputIds.length + n > seqLen) {
      row = { inputIds: [], labels: [], positionIds: [], segmentIds: [] };
      rows.push(row);
    }
    const segment = row.inputIds.length === 0 ? 0 : row.segmentIds[row.segmentIds.length - 1]! + 1;
    for (let t = 0; t < n; t++) {
      row.inputIds.push(example.inputIds[t]!);
      row.labels.push(t === 0 ? IGNORE_INDEX : example.labels[t]!);
      row.positionIds.push(t);
      row.segmentIds.push(segment);
    }
  }
  return rows;
}

/**
 * The attention mask of one row, T×T row-major (`mask[q * T + k]` = query q may see key k):
 * causal within a segment, nothing across segments. Padding (segment id < 0) sees only itself,
 * so a softmax over its row stays finite; its labels are -100 anyway.
 */
export function blockCausalMask(segmentIds: readonly number[]): Uint8Array {
  const T = segmentIds.length;
  const mask = new Uint8Array(T * T);
  for (let q = 0; q < T; q++) {
    const s = segmentIds[q]!;
    if (s < 0) {
      mask[q * T + q] = 1;
      continue;
    }
    for (let k = q; k >= 0 && segmentIds[k] === s; k--) mask[q * T + k] = 1;
  }
  return mask;
}

/**
 * Check the settings, tokenize every record, truncate, drop examples without trained tokens,
 * and pack (optionally). Refuses a dataset where nothing at all would train.
 */
export function prepareTrainingData(records: readonly TrainingRecord[], options: PrepareOptions): { rows: TrainingRow[]; report: DatasetReport } {
  checkPrepareOptions(records, options);
  const { seqLen } = options;
  const kept: TokenizedExample[] = [];
  const lengths: number[] = [];
  let truncated = 0;
  for (const record of records) {
    const full = tokenizeRecord(record, options);
    lengths.push(full.inputIds.length);
    if (full.inputIds.length > seqLen) truncated++;
    const example = truncateExample(full, seqLen);
    if (countTrained(example.labels) > 0) kept.push(example);
  }
  if (kept.length === 0) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `No example has a token left to train on within the sequence length ${seqLen}: in every one, what trains comes after the first ${seqLen} tokens. Raise the sequence length, or shorten the prompts in the dataset.`,
    );
  }
  const rows = options.packing ? packExamples(kept, seqLen) : kept.map(singleRow);
  lengths.sort((a, b) => a - b);
  const report: DatasetReport = {
    examples: records.length,
    kept: kept.length,
    truncated,
    dropped: records.length - kept.length,
    tokens: kept.reduce((sum, e) => sum + e.inputIds.length, 0),
    trainedTokens: kept.reduce((sum, e) => sum + countTrained(e.labels), 0),
    rows: rows.length,
    lengths: { p50: percentile(lengths, 50), p90: percentile(lengths, 90), p99: percentile(lengths, 99), max: lengths[lengths.length - 1]! },
  };
  return { rows, report };
}
