/**
 * Proposed settings from the model's size and the dataset's size and lengths. Pure, so the
 * rules are tested; the page applies them when the model or dataset changes.
 */

export interface DefaultsInput {
  method: 'qlora' | 'lora';
  /** Parameters of the base model. */
  parameters: number;
  maxPositionEmbeddings: number;
  /** Records that will train. */
  records: number;
  /** The 99th-percentile token length from the validation report, when known. */
  tokenP99?: number | null;
}

export interface SmartDefaults {
  loraR: number;
  loraAlpha: number;
  epochs: number;
  learningRate: number;
  seqLen: number;
  batchSize: number;
  gradAccum: number;
  warmupSteps: number;
}

/** Rank by model size: bigger models have more to adapt. Alpha is twice the rank. */
export function loraRankFor(parameters: number): number {
  if (parameters < 1e9) return 8;
  if (parameters < 7e9) return 16;
  return 32;
}

/** Fewer records need more passes; large datasets one. */
export function epochsFor(records: number): number {
  if (records < 200) return 4;
  if (records < 1000) return 3;
  if (records < 10_000) return 2;
  return 1;
}

/** The p99 length rounded up to a multiple of 64 (at least 64), capped at the model's maximum. */
export function seqLenFor(tokenP99: number | null | undefined, maxPositionEmbeddings: number): number {
  const wanted = tokenP99 && tokenP99 > 0 ? Math.ceil(tokenP99 / 64) * 64 : 512;
  return Math.max(8, Math.min(Math.max(64, wanted), maxPositionEmbeddings));
}

/**
 * Micro-batch of at most ~2048 tokens (a power of two, 1–8), and enough accumulation for an
 * effective batch of 8 (small datasets) or 16.
 */
export function batchFor(seqLen: number, records: number): { batchSize: number; gradAccum: number } {
  let batchSize = 1;
  while (batchSize < 8 && batchSize * 2 * seqLen <= 2048) batchSize *= 2;
  const target = records >= 1000 ? 16 : 8;
  const gradAccum = Math.max(1, Math.ceil(target / batchSize));
  return { batchSize, gradAccum };
}

export function smartDefaults(input: DefaultsInput): SmartDefaults {
  const loraR = loraRankFor(input.parameters);
  const epochs = epochsFor(input.records);
  const seqLen = seqLenFor(input.tokenP99, input.maxPositionEmbeddings);
  const { batchSize, gradAccum } = batchFor(seqLen, input.records);
  const steps = Math.ceil(Math.max(1, input.records) / (batchSize * gradAccum)) * epochs;
  return {
    loraR,
    loraAlpha: loraR * 2,
    epochs,
    learningRate: input.method === 'qlora' ? 2e-4 : 1e-4,
    seqLen,
    batchSize,
    gradAccum,
    warmupSteps: Math.round(steps * 0.03),
  };
}
