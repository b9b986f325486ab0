import { describe, expect, it } from 'vitest';
import { batchFor, epochsFor, loraRankFor, seqLenFor, smartDefaults } from './smart-defaults';

describe('smart defaults', () => {
  it('scales the LoRA rank with the parameter count', () => {
    expect(loraRankFor(135e6)).toBe(8);
    expect(loraRankFor(1.5e9)).toBe(16);
    expect(loraRankFor(8e9)).toBe(32);
  });

  it('uses more epochs for fewer records', () => {
    expect(epochsFor(50)).toBe(4);
    expect(epochsFor(500)).toBe(3);
    expect(epochsFor(5000)).toBe(2);
    expect(epochsFor(50_000)).toBe(1);
  });

  it('rounds the p99 length up to a multiple of 64 and caps it at the model maximum', () => {
    expect(seqLenFor(130, 2048)).toBe(192);
    expect(seqLenFor(128, 2048)).toBe(128);
    expect(seqLenFor(10, 2048)).toBe(64);
    expect(seqLenFor(5000, 2048)).toBe(2048);
    expect(seqLenFor(null, 2048)).toBe(512);
    expect(seqLenFor(null, 256)).toBe(256);
  });

  it('reaches an effective batch of 8–16 with micro-batches of at most ~2048 tokens', () => {
    expect(batchFor(256, 100)).toEqual({ batchSize: 8, gradAccum: 1 });
    expect(batchFor(512, 100)).toEqual({ batchSize: 4, gradAccum: 2 });
    expect(batchFor(2048, 5000)).toEqual({ batchSize: 1, gradAccum: 16 });
    for (const seqLen of [64, 128, 512, 1024, 4096]) {
      for (const records of [10, 10_000]) {
        const { batchSize, gradAccum } = batchFor(seqLen, records);
        expect(batchSize * gradAccum).toBeGreaterThanOrEqual(8);
        expect(batchSize * gradAccum).toBeLessThanOrEqual(16);
      }
    }
  });

  it('picks the learning rate by method and puts it together', () => {
    const qlora = smartDefaults({ method: 'qlora', parameters: 135e6, maxPositionEmbeddings: 2048, records: 300, tokenP99: 200 });
    expect(qlora).toEqual({ loraR: 8, loraAlpha: 16, epochs: 3, learningRate: 2e-4, seqLen: 256, batchSize: 8, gradAccum: 1, warmupSteps: 3 });
    expect(smartDefaults({ method: 'lora', parameters: 135e6, maxPositionEmbeddings: 2048, records: 300 }).learningRate).toBe(1e-4);
  });
});
