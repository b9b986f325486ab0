/**
 * A rough estimate of training time and peak memory, so a run that cannot finish is caught
 * before it starts. Pure, and stated in the UI as an estimate.
 *
 * Time: ~130 tokens/s for QLoRA at the 135M-parameter shape on a CPU (the engine's benchmark),
 * scaled inversely with parameter count; LoRA skips the NF4 dequantization (~1.3× faster).
 * Memory: frozen weights (NF4 ≈ 0.56 bytes/param for QLoRA, fp32 4 bytes/param for LoRA)
 * + fp32 embeddings (4 bytes × vocab × hidden) + adapters with gradients and AdamW state
 * (16 bytes per adapter parameter) + activations (~35 KB per token of a micro-batch for a
 * 30-layer model, scaled by layers).
 */

export interface EstimateModel {
  parameters: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediateSize: number;
  vocabSize: number;
}

export interface EstimateInput {
  model: EstimateModel;
  method: 'qlora' | 'lora';
  records: number;
  meanTokens: number;
  epochs: number;
  maxSteps?: number;
  batchSize: number;
  gradAccum: number;
  seqLen: number;
  loraR: number;
  packing?: boolean;
}

export interface Estimate {
  /** Tokens processed over the whole run. */
  tokens: number;
  steps: number;
  tokensPerSecond: number;
  seconds: number;
  peakBytes: number;
  parts: { weights: number; embeddings: number; adapters: number; activations: number };
}

export const BASE_TOKENS_PER_SECOND = 130;
export const BASE_PARAMETERS = 135e6;
export const ACTIVATION_BYTES_PER_TOKEN = 35 * 1024;

/** Adapter parameters with r on all seven linear projections of every layer. */
export function adapterParameters(m: EstimateModel, r: number): number {
  const h = m.hiddenSize;
  const kv = (h / m.heads) * m.kvHeads;
  const i = m.intermediateSize;
  const perLayer = h + h + (h + kv) + (h + kv) + (h + h) + 2 * (h + i) + (i + h);
  return m.layers * r * perLayer;
}

export function estimateTraining(input: EstimateInput): Estimate {
  const { model } = input;
  const meanTokens = Math.min(Math.max(1, input.meanTokens), input.seqLen);
  const perStep = input.batchSize * input.gradAccum;
  const stepsPerEpoch = Math.max(1, Math.ceil(input.records / perStep));
  const steps = input.maxSteps ?? stepsPerEpoch * input.epochs;
  const tokens = input.maxSteps !== undefined ? input.maxSteps * perStep * meanTokens : input.records * meanTokens * input.epochs;
  const speedup = input.method === 'lora' ? 1.3 : 1;
  const tokensPerSecond = (BASE_TOKENS_PER_SECOND * speedup * BASE_PARAMETERS) / Math.max(1, model.parameters);
  const weights = model.parameters * (input.method === 'qlora' ? 0.56 : 4);
  const embeddings = 4 * model.vocabSize * model.hiddenSize;
  const adapters = adapterParameters(model, input.loraR) * 16;
  const tokensPerBatch = input.batchSize * input.seqLen;
  const activations = ACTIVATION_BYTES_PER_TOKEN * tokensPerBatch * (model.layers / 30);
  return {
    tokens,
    steps,
    tokensPerSecond,
    seconds: tokens / tokensPerSecond,
    peakBytes: weights + embeddings + adapters + activations,
    parts: { weights, embeddings, adapters, activations },
  };
}

export interface EstimateWarning {
  title: string;
  fixes: string[];
}

/** What to change when the run will not fit in memory or runs over two hours. */
export function estimateWarnings(e: Estimate, input: EstimateInput, availableBytes: number | null): EstimateWarning[] {
  const warnings: EstimateWarning[] = [];
  if (availableBytes !== null && e.peakBytes > availableBytes) {
    const fixes: string[] = [];
    if (input.batchSize > 1) fixes.push(`Lower the batch size to ${Math.max(1, Math.floor(input.batchSize / 2))} and double gradient accumulation to ${input.gradAccum * 2} (same effective batch).`);
    if (input.seqLen > 256) fixes.push(`Lower the sequence length to ${Math.max(64, Math.floor(input.seqLen / 2 / 64) * 64)}; longer records are truncated.`);
    if (input.method === 'lora') fixes.push('Switch the method to QLoRA: the frozen weights take about 7× less memory.');
    if (input.loraR > 8) fixes.push(`Lower the LoRA rank to ${Math.max(4, input.loraR / 2)}.`);
    fixes.push('Close other programs or stop running jobs to free memory.');
    warnings.push({ title: 'This run may not fit in the memory available', fixes });
  }
  if (e.seconds > 2 * 3600) {
    const hours = 2 * 3600;
    const fixes: string[] = [];
    const steps = Math.max(1, Math.floor((e.steps * hours) / e.seconds));
    fixes.push(`Set max steps to about ${steps} to finish within two hours.`);
    if (input.maxSteps === undefined && input.epochs > 1) fixes.push(`Train for ${Math.max(1, Math.floor(input.epochs / 2))} epoch(s) instead of ${input.epochs}.`);
    if (!input.packing) fixes.push('Turn on packing when most records are much shorter than the sequence length.');
    fixes.push('Use a smaller base model, or a subset of the dataset for a first run.');
    warnings.push({ title: 'This run will likely take more than 2 hours', fixes });
  }
  return warnings;
}
