import { describe, expect, it } from 'vitest';
import { adapterParameters, estimateTraining, estimateWarnings, type EstimateInput } from './estimate';

const smol = { parameters: 135e6, hiddenSize: 576, layers: 30, heads: 9, kvHeads: 3, intermediateSize: 1536, vocabSize: 49152 };
const base: EstimateInput = { model: smol, method: 'qlora', records: 1000, meanTokens: 130, epochs: 1, batchSize: 1, gradAccum: 8, seqLen: 256, loraR: 8 };

describe('training estimate', () => {
  it('counts tokens as records × mean tokens × epochs and runs at ~130 tokens/s at the 135M shape', () => {
    const e = estimateTraining({ ...base, epochs: 2 });
    expect(e.tokens).toBe(260_000);
    expect(e.tokensPerSecond).toBeCloseTo(130);
    expect(e.seconds).toBeCloseTo(2000);
    expect(e.steps).toBe(250);
  });

  it('uses max steps when given and scales speed inversely with parameters', () => {
    const e = estimateTraining({ ...base, maxSteps: 10, model: { ...smol, parameters: 270e6 } });
    expect(e.tokens).toBe(10 * 8 * 130);
    expect(e.tokensPerSecond).toBeCloseTo(65);
    expect(e.steps).toBe(10);
  });

  it('adds NF4 or fp32 weights, fp32 embeddings, adapters and activations', () => {
    const q = estimateTraining(base);
    expect(q.parts.weights).toBeCloseTo(135e6 * 0.56);
    expect(q.parts.embeddings).toBe(4 * 49152 * 576);
    expect(q.parts.activations).toBe(35 * 1024 * 256);
    expect(q.parts.adapters).toBe(adapterParameters(smol, 8) * 16);
    expect(q.peakBytes).toBeCloseTo(q.parts.weights + q.parts.embeddings + q.parts.adapters + q.parts.activations);
    expect(estimateTraining({ ...base, method: 'lora' }).parts.weights).toBe(135e6 * 4);
  });

  it('warns with concrete fixes when it does not fit or runs past two hours', () => {
    const big = { ...base, method: 'lora' as const, batchSize: 4, gradAccum: 2, seqLen: 1024, records: 100_000, epochs: 3 };
    const e = estimateTraining(big);
    const warnings = estimateWarnings(e, big, 100 * 1024 * 1024);
    expect(warnings.map((w) => w.title)).toEqual(['This run may not fit in the memory available', 'This run will likely take more than 2 hours']);
    expect(warnings[0]!.fixes.join(' ')).toContain('batch size to 2');
    expect(warnings[0]!.fixes.join(' ')).toContain('QLoRA');
    expect(warnings[1]!.fixes[0]).toMatch(/^Set max steps to about \d+/);
    expect(estimateWarnings(estimateTraining(base), base, 64 * 1024 ** 3)).toEqual([]);
  });
});
