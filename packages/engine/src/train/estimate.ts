/**
 * How long a (Q)LoRA run will take on this machine and how much memory it will need, before it
 * starts. Both come from the same accounting as `LoraTrainer` and `bench/training.ts`:
 *
 * - time: the FLOPs a step's graphs compute (frozen linears and lm_head forward and for dX, the
 *   LoRA branches, attention over all T keys, the block forward again when activations are
 *   recomputed) divided by the machine's measured fp32 GEMM rate times the fraction of it a
 *   training step reaches, which grows with the rows of a micro-batch (`trainingGemmEfficiency`);
 * - memory: frozen weights (NF4 4.5 bits a parameter for qlora, fp32 for lora), fp32
 *   embeddings and norms, one layer of dequantized weights (qlora), LoRA parameters with their
 *   gradients, accumulator and AdamW moments, activations (saved when they fit the budget, else
 *   block inputs plus one block's working set), the head's row chunks, and the runtime itself.
 *   At the 135M shape this is within ~10% of the peak RSS `bench/training.ts` measures.
 */
import type { ModelConfig } from '../io/config.js';
import { layerNorms, layerNormSize, linearShape, LAYER_LINEARS, type LayerLinear } from '../model/weight-names.js';
import { savedBytesPerRow } from './block-graphs.js';
import { DEFAULT_ACTIVATION_BUDGET_BYTES, DEFAULT_HEAD_CHUNK_ROWS, type TrainMethod } from './train-step.js';

/**
 * Fraction of the fp32 GEMM rate a training step reaches with `rows` = batch × sequence rows
 * per graph run: small matmuls and the elementwise work weigh more at few rows. Measured at
 * the 135M shape: ~0.5–0.57 at 256 rows, ~0.84–0.91 at 1024 (bench/README.md).
 */
export function trainingGemmEfficiency(rows: number): number {
  return Math.min(0.9, Math.max(0.45, 0.55 + 0.15 * Math.log2(rows / 256)));
}
/** Node, ONNX Runtime, sessions and their arenas at rest (calibrated on the 135M benchmark). */
const RUNTIME_BYTES = 280 * 2 ** 20;
/** Bytes per trainable LoRA value: A/B, a step's gradient, the float64 accumulator, AdamW's two moments, the averaged gradient. */
const BYTES_PER_LORA_VALUE = 4 + 4 + 8 + 8 + 4;

export interface TrainingEstimateInput {
  config: ModelConfig;
  method: TrainMethod;
  /** LoRA rank and the adapted linears of each layer (by layer index). */
  rank: number;
  targets: readonly { layer: number; linear: LayerLinear }[];
  batchSize: number;
  gradAccum: number;
  seqLen: number;
  /** Mean tokens of a training row after truncation (≤ seqLen). */
  meanRowTokens: number;
  /** Optimizer steps of the run. */
  steps: number;
  /** The machine's fp32 GEMM rate, GFLOP/s (the system check measures it). */
  gemmGflops: number;
  activationBudgetBytes?: number;
}

export interface TrainingEstimate {
  /** Tokens a step trains on (batch × accumulation × mean row length). */
  tokensPerStep: number;
  totalTokens: number;
  flopsPerStep: number;
  secondsPerStep: number;
  totalSeconds: number;
  tokensPerSecond: number;
  /** Whether micro-batches keep their activations (else blocks recompute them). */
  savedActivations: boolean;
  peakMemoryBytes: number;
  memory: { frozenWeights: number; embeddings: number; dequantized: number; lora: number; activations: number; head: number; runtime: number };
}

export function estimateTraining(input: TrainingEstimateInput): TrainingEstimate {
  const { config, rank, batchSize: B, seqLen: T } = input;
  const C = config.hiddenSize;
  const V = config.vocabSize;
  const L = config.numLayers;
  const rowTokens = Math.min(Math.max(1, input.meanRowTokens), T);

  let linearParams = 0;
  for (const l of LAYER_LINEARS) linearParams += linearShape(config, l).reduce((a, b) => a * b, 1);
  let loraValues = 0;
  const loraByLayer = new Map<number, LayerLinear[]>();
  for (const t of input.targets) {
    const [N, K] = linearShape(config, t.linear);
    loraValues += rank * (N + K);
    loraByLayer.set(t.layer, [...(loraByLayer.get(t.layer) ?? []), t.linear]);
  }

  // Time: FLOPs per token, as bench/training.ts counts them.
  const spec = (layer: number) => ({
    hiddenSize: C,
    numHeads: config.numHeads,
    numKvHeads: config.numKvHeads,
    headDim: config.headDim,
    intermediateSize: config.intermediateSize,
    rmsNormEps: config.rmsNormEps,
    format: 'fp32' as const,
    qkvBias: config.qkvBias,
    lora: loraByLayer.get(layer) ?? [],
    rank,
    // The features that save more activations (q/k before their norms, Gemma's extra norm inputs).
    qkNorm: config.qkNorm,
    sandwichNorms: config.sandwichNorms,
  });
  let savedPerRow = 0;
  for (let layer = 0; layer < L; layer++) savedPerRow += savedBytesPerRow(spec(layer), T);
  const microTokens = B * T; // micro-batches are padded to the longest row; count the padding
  const savedActivations = savedPerRow * microTokens <= (input.activationBudgetBytes ?? DEFAULT_ACTIVATION_BUDGET_BYTES);
  const loraFlopsPerToken = (2 * loraValues) / L; // per layer, forward
  const attention = 4 * T * config.numHeads * config.headDim;
  const blockForward = L * (2 * linearParams + attention) + L * loraFlopsPerToken;
  const blockBackward = L * (2 * linearParams + 2 * attention) + 3 * L * loraFlopsPerToken;
  const headFlops = 2 * 2 * V * C;
  const flopsPerPaddedToken = blockForward * (savedActivations ? 1 : 2) + blockBackward;
  const stepRows = B * input.gradAccum;
  const flopsPerStep = stepRows * (T * flopsPerPaddedToken + rowTokens * headFlops);
  const secondsPerStep = flopsPerStep / (input.gemmGflops * 1e9 * trainingGemmEfficiency(microTokens));
  const tokensPerStep = stepRows * rowTokens;

  // Memory.
  const frozenWeights = L * linearParams * (input.method === 'qlora' ? 0.5 + 4 / 64 : 4);
  const normValues = layerNorms(config).reduce((n, norm) => n + layerNormSize(config, norm), 0);
  const embeddings = 4 * (V * C * (config.tieWordEmbeddings ? 1 : 2) + L * normValues + C);
  const dequantized = input.method === 'qlora' ? 4 * linearParams : 0;
  const lora = BYTES_PER_LORA_VALUE * loraValues;
  const workingSet = (savedPerRow / L) * microTokens * 3; // one block's intermediates and their gradients
  const activations = savedActivations ? savedPerRow * microTokens + workingSet : L * microTokens * C * 4 + workingSet;
  const head = 4 * Math.min(DEFAULT_HEAD_CHUNK_ROWS, microTokens) * V * 4; // logits, log-probs, probs, their gradient
  const memory = { frozenWeights, embeddings, dequantized, lora, activations, head, runtime: RUNTIME_BYTES };
  const peakMemoryBytes = Object.values(memory).reduce((a, b) => a + b, 0);
  return {
    tokensPerStep,
    totalTokens: tokensPerStep * input.steps,
    flopsPerStep,
    secondsPerStep,
    totalSeconds: secondsPerStep * input.steps,
    tokensPerSecond: tokensPerStep / secondsPerStep,
    savedActivations,
    peakMemoryBytes,
    memory,
  };
}
