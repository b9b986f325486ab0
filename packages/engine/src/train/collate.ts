/**
 * Batching training rows into fixed [B, T] arrays, in a seeded order that a saved cursor can
 * resume exactly.
 */
import { EngineError } from '../errors.js';
import type { Tokenizer } from '../io/tokenizer.js';
import { seededRng } from '../util/random.js';
import type { TrainingRow } from './pack.js';
import type { StepBatch } from './train-step.js';
import { IGNORE_INDEX } from './labels.js';

/** A [B, T] batch, row-major. Pads: `padId` input, label -100, attention 0, position 0, segment -1. */
export interface TrainingBatch {
  batchSize: number;
  seqLen: number;
  inputIds: Int32Array;
  labels: Int32Array;
  attentionMask: Uint8Array;
  positionIds: Int32Array;
  segmentIds: Int32Array;
  /** Which rows of the dataset, in batch order. */
  rowIndices: number[];
  /** The epoch the batch's first row belongs to. */
  epoch: number;
}

/** Where batching stands: the next batch starts at `order(epoch)[position]`. Plain JSON. */
export interface DataCursor {
  epoch: number;
  position: number;
}

export interface BatcherOptions {
  batchSize: number;
  seqLen: number;
  padTokenId: number;
  seed: number;
  /** Shuffle each epoch (default true); false keeps dataset order. */
  shuffle?: boolean;
}

/** The pad id: the tokenizer's pad token, else its first EOS, else 0 (never attended nor trained). */
export function padTokenIdOf(tokenizer: Tokenizer): number {
  return tokenizer.padTokenId ?? tokenizer.eosTokenIds[0] ?? 0;
}

/**
 * The row order of an epoch: a Fisher–Yates shuffle by Mulberry32, seeded from `seed` and
 * `epoch` so that any epoch's order can be recomputed on resume without replaying earlier ones.
 */
export function epochOrder(count: number, seed: number, epoch: number, shuffle = true): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (!shuffle) return order;
  const rng = seededRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Pad rows (each ≤ seqLen) into one batch; a short final batch is padded with empty rows. */
export function collate(
  rows: readonly TrainingRow[],
  options: Pick<BatcherOptions, 'batchSize' | 'seqLen' | 'padTokenId'>,
  rowIndices: number[] = [],
  epoch = 0,
): TrainingBatch {
  const { batchSize: B, seqLen: T, padTokenId } = options;
  if (rows.length > B) throw new EngineError('INVALID_ARGUMENT', `${rows.length} rows do not fit a batch of ${B}.`);
  const inputIds = new Int32Array(B * T).fill(padTokenId);
  const labels = new Int32Array(B * T).fill(IGNORE_INDEX);
  const attentionMask = new Uint8Array(B * T);
  const positionIds = new Int32Array(B * T);
  const segmentIds = new Int32Array(B * T).fill(-1);
  rows.forEach((row, b) => {
    if (row.inputIds.length > T) throw new EngineError('INVALID_ARGUMENT', `A row of ${row.inputIds.length} tokens is longer than the sequence length ${T}.`);
    inputIds.set(row.inputIds, b * T);
    labels.set(row.labels, b * T);
    attentionMask.fill(1, b * T, b * T + row.inputIds.length);
    positionIds.set(row.positionIds, b * T);
    segmentIds.set(row.segmentIds, b * T);
  });
  return { batchSize: B, seqLen: T, inputIds, labels, attentionMask, positionIds, segmentIds, rowIndices, epoch };
}

/**
 * Endless batches over `rows`, epoch after epoch. A batch that reaches the end of an epoch is
 * filled from the next epoch's order, so every batch is full and no row is skipped. Save
 * `cursor` with a checkpoint and pass it back to resume with exactly the same batches.
 */
export class Batcher {
  private epoch: number;
  private position: number;
  private order: number[];

  constructor(
    private readonly rows: readonly TrainingRow[],
    private readonly options: BatcherOptions,
    cursor: DataCursor = { epoch: 0, position: 0 },
  ) {
    if (rows.length === 0) throw new EngineError('INVALID_ARGUMENT', 'There are no rows to batch: the dataset is empty.');
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
      throw new EngineError('INVALID_ARGUMENT', `Batch size must be a positive integer, not ${options.batchSize}.`);
    if (!Number.isInteger(cursor.epoch) || cursor.epoch < 0 || !Number.isInteger(cursor.position) || cursor.position < 0 || cursor.position > rows.length) {
      throw new EngineError('INVALID_ARGUMENT', `The saved data cursor ${JSON.stringify(cursor)} does not fit this dataset of ${rows.length} rows.`);
    }
    this.epoch = cursor.epoch;
    this.position = cursor.position;
    this.order = epochOrder(rows.length, options.seed, this.epoch, options.shuffle ?? true);
  }

  /** Where the next batch starts. */
  get cursor(): DataCursor {
    return { epoch: this.epoch, position: this.position };
  }

  /** Batches per epoch (rounded up). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.rows.length / this.options.batchSize);
  }

  /** The next full batch. */
  next(): TrainingBatch {
    const epoch = this.position === this.rows.length ? this.epoch + 1 : this.epoch;
    const indices: number[] = [];
    while (indices.length < this.options.batchSize) {
      if (this.position === this.rows.length) {
        this.epoch++;
        this.position = 0;
        this.order = epochOrder(this.rows.length, this.options.seed, this.epoch, this.options.shuffle ?? true);
      }
      indices.push(this.order[this.position++]!);
    }
    return collate(
      indices.map((i) => this.rows[i]!),
      this.options,
      indices,
      epoch,
    );
  }
}

/**
 * A padded batch as the trainer runs it: labels shifted within each example (row t is trained
 * to predict the token at t + 1 of the same example; an example's last row and padding predict
 * nothing), and the trailing columns that every sequence pads cut off.
 */
export function stepBatchOf(batch: TrainingBatch): StepBatch {
  const { batchSize: B, seqLen: T, segmentIds } = batch;
  let width = 1;
  for (let b = 0; b < B; b++) for (let t = T - 1; t >= width; t--) if (segmentIds[b * T + t] !== -1) width = t + 1;
  const N = B * width;
  const out = { inputIds: new Int32Array(N), labels: new Int32Array(N), positionIds: new Int32Array(N), segmentIds: new Int32Array(N) };
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < width; t++) {
      const i = b * T + t;
      const o = b * width + t;
      out.inputIds[o] = batch.inputIds[i]!;
      out.positionIds[o] = batch.positionIds[i]!;
      out.segmentIds[o] = segmentIds[i]!;
      const sameExample = t + 1 < T && segmentIds[i] !== -1 && segmentIds[i + 1] === segmentIds[i];
      out.labels[o] = sameExample ? batch.labels[i + 1]! : IGNORE_INDEX;
    }
  }
  return { batchSize: B, seqLen: width, ...out };
}
