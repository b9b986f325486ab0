import { trainJobConfigSchema, type BaseModel, type Dataset } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { chosenJobName, defaultJobName } from './job-name';

const model = { name: 'stories260K' } as BaseModel;
const dataset = { name: 'gsm8k300', latest: { version: 4 } } as Dataset;

describe('the job name chosen at launch', () => {
  it('defaults to model · dataset and version · method and rank', () => {
    const config = trainJobConfigSchema.parse({ modelId: 'm', datasetId: 'd', lora: { r: 8 } });
    expect(defaultJobName(config, model, dataset)).toBe('stories260K · gsm8k300 v4 · QLoRA r8');
    expect(defaultJobName({ ...config, method: 'lora' }, model, dataset)).toBe('stories260K · gsm8k300 v4 · LoRA r8');
  });

  it('sends a typed name, and nothing for the default or an empty field', () => {
    const def = 'stories260K · gsm8k300 v4 · QLoRA r8';
    expect(chosenJobName(null, def)).toEqual({ title: undefined, error: null });
    expect(chosenJobName('   ', def)).toEqual({ title: undefined, error: null });
    expect(chosenJobName(def, def)).toEqual({ title: undefined, error: null });
    expect(chosenJobName(' lr sweep 1 ', def)).toEqual({ title: 'lr sweep 1', error: null });
    expect(chosenJobName('x'.repeat(121), def)).toEqual({ title: undefined, error: 'Keep the name under 120 characters.' });
  });
});
