import { trainJobConfigSchema } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { unusualSettings } from './unusual-settings';

const config = (over: Record<string, unknown> = {}) => trainJobConfigSchema.parse({ modelId: 'm', datasetId: 'd', ...over });

describe('settings far outside the usual range', () => {
  it('says nothing about the defaults or ordinary choices', () => {
    expect(unusualSettings(config())).toEqual([]);
    expect(unusualSettings(config({ learningRate: 1e-3, epochs: 5, lora: { r: 64, alpha: 128 } }))).toEqual([]);
  });

  it('warns of a learning rate of 1, naming the usual range', () => {
    expect(unusualSettings(config({ learningRate: 1 }))).toEqual([
      {
        setting: 'learningRate',
        message:
          'A learning rate of 1 is far above the usual 1e-5 to 5e-4 (2e-4 for QLoRA): training will likely diverge, the loss jumping or turning into NaN.',
      },
    ]);
  });

  it('warns of too many epochs, a huge rank and other extremes', () => {
    const found = unusualSettings(config({ epochs: 50, lora: { r: 300, alpha: 600, dropout: 0.9 }, weightDecay: 0.9, learningRate: 1e-8 }));
    expect(found.map((w) => w.setting)).toEqual(['learningRate', 'epochs', 'loraR', 'loraDropout', 'weightDecay']);
    expect(found.find((w) => w.setting === 'epochs')!.message).toMatch(/^50 epochs is far more than the usual 1 to 5/);
    expect(found.find((w) => w.setting === 'loraR')!.message).toMatch(/usual 8 to 64/);
    // Epochs do not count when max steps decide the length; warmup over the whole run does.
    expect(unusualSettings(config({ epochs: 50, maxSteps: 10, warmupSteps: 10 })).map((w) => w.setting)).toEqual(['warmupSteps']);
  });
});
