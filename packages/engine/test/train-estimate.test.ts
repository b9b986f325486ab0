/**
 * The pre-run estimate (src/train/estimate.ts): its accounting, and its calibration against the
 * 135M training benchmark recorded in bench/README.md (peak RSS and tokens/s measured there).
 */
import { describe, expect, it } from 'vitest';
import { testModelConfig } from '../src/model/random-weights.js';
import { LAYER_LINEARS } from '../src/model/weight-names.js';
import { estimateTraining, trainingGemmEfficiency, type TrainingEstimateInput } from '../src/train/estimate.js';

const smol = testModelConfig({
  hiddenSize: 576,
  numLayers: 30,
  numHeads: 9,
  numKvHeads: 3,
  intermediateSize: 1536,
  vocabSize: 49152,
  maxPositionEmbeddings: 2048,
  tieWordEmbeddings: true,
});
const allLinear = Array.from({ length: 30 }, (_, layer) => LAYER_LINEARS.map((linear) => ({ layer, linear }))).flat();
const base: TrainingEstimateInput = {
  config: smol,
  method: 'qlora',
  rank: 16,
  targets: allLinear,
  batchSize: 1,
  gradAccum: 1,
  seqLen: 256,
  meanRowTokens: 256,
  steps: 100,
  gemmGflops: 145,
};
const MiB = 2 ** 20;

describe('estimateTraining', () => {
  it('matches the 135M benchmark (bench/README.md, GEMM 145 GFLOP/s) within 15% for memory and 25% for speed', () => {
    const measured = [
      { method: 'qlora', batchSize: 1, tokS: 131, rssMiB: 922 },
      { method: 'qlora', batchSize: 4, tokS: 141, rssMiB: 885 },
      { method: 'lora', batchSize: 1, tokS: 107, rssMiB: 1215 },
      { method: 'lora', batchSize: 4, tokS: 151, rssMiB: 1214 },
    ] as const;
    for (const m of measured) {
      const e = estimateTraining({ ...base, method: m.method, batchSize: m.batchSize });
      expect(Math.abs(e.peakMemoryBytes / MiB - m.rssMiB) / m.rssMiB, `${m.method}:${m.batchSize} memory`).toBeLessThan(0.15);
      expect(Math.abs(e.tokensPerSecond - m.tokS) / m.tokS, `${m.method}:${m.batchSize} speed`).toBeLessThan(0.25);
    }
  });

  it('keeps activations within the budget and recomputes beyond it, at the cost of time', () => {
    const saved = estimateTraining(base);
    const recomputed = estimateTraining({ ...base, activationBudgetBytes: 0 });
    expect(saved.savedActivations).toBe(true);
    expect(recomputed.savedActivations).toBe(false);
    expect(recomputed.memory.activations).toBeLessThan(saved.memory.activations);
    expect(recomputed.flopsPerStep).toBeGreaterThan(saved.flopsPerStep);
  });

  it('adds up: totals are per step × steps; qlora needs less memory than lora; more LoRA targets cost more', () => {
    const e = estimateTraining({ ...base, gradAccum: 4, meanRowTokens: 100 });
    expect(e.tokensPerStep).toBe(400);
    expect(e.totalTokens).toBe(40_000);
    expect(e.totalSeconds).toBeCloseTo(e.secondsPerStep * 100, 6);
    expect(e.peakMemoryBytes).toBe(Object.values(e.memory).reduce((a, b) => a + b, 0));
    expect(estimateTraining({ ...base, method: 'lora' }).peakMemoryBytes).toBeGreaterThan(e.peakMemoryBytes);
    const fewer = estimateTraining({ ...base, targets: allLinear.filter((t) => t.linear === 'q_proj' || t.linear === 'v_proj') });
    expect(fewer.memory.lora).toBeLessThan(estimateTraining(base).memory.lora);
    expect(estimateTraining({ ...base, gemmGflops: 290 }).secondsPerStep).toBeCloseTo(estimateTraining(base).secondsPerStep / 2, 6);
  });

  it("counts Gemma's extra saved activations and norms (q/k before their norms, sandwich norms)", () => {
    const gemmaLike = { ...smol, qkNorm: true, sandwichNorms: true };
    const plain = estimateTraining(base);
    const gemma = estimateTraining({ ...base, config: gemmaLike });
    const { hiddenSize: C, numHeads: H, numKvHeads: Hkv, headDim: D, numLayers: L } = smol;
    // Per row and layer (H + Hkv)·D + 2C + 2 more floats saved: for every layer, and in the one block's working set (×3).
    expect(gemma.memory.activations - plain.memory.activations).toBe(4 * ((H + Hkv) * D + 2 * C + 2) * 256 * (L + 3));
    expect(gemma.memory.embeddings - plain.memory.embeddings).toBe(4 * L * (2 * C + 2 * D));
  });

  it('efficiency grows with rows per run and stays in range', () => {
    expect(trainingGemmEfficiency(256)).toBeCloseTo(0.55, 6);
    expect(trainingGemmEfficiency(1024)).toBeCloseTo(0.85, 6);
    expect(trainingGemmEfficiency(1)).toBe(0.45);
    expect(trainingGemmEfficiency(1 << 20)).toBe(0.9);
  });
});
