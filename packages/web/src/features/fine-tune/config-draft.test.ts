import { describe, expect, it } from 'vitest';
import { cliCommand, configToDraft, emptyDraft, validateDraft } from './config-draft';
import { parseYaml, toYaml } from './yaml';
import { trainJobConfigSchema } from '@qlora-studio/contracts';

const draft = { ...emptyDraft, modelId: 'm1', datasetId: 'd1' };

describe('config draft', () => {
  it('validates with the contract schema and keys errors by field', () => {
    expect(validateDraft(emptyDraft).errors).toMatchObject({ modelId: 'Choose a base model.', datasetId: 'Choose a dataset.' });
    const bad = validateDraft({ ...draft, loraR: '0', learningRate: 'abc', loraDropout: '1', batchSize: '1.5' });
    expect(bad.ok).toBe(false);
    expect(bad.errors.loraR).toBe('LoRA rank must be at least 1.');
    expect(bad.errors.learningRate).toBe('Learning rate must be a number more than 0 and at most 1.');
    expect(bad.errors.loraDropout).toBe('Dropout must be below 1.');
    expect(bad.errors.batchSize).toBe('Batch size must be a whole number from 1 to 256.');
    // Plain words with the field's label and the allowed range, never zod's "Too big: expected number to be <=1".
    const far = validateDraft({ ...draft, learningRate: '5', seqLen: '6', epochs: '0' });
    expect(far.errors).toMatchObject({
      learningRate: 'Learning rate must be more than 0 and at most 1.',
      seqLen: 'Sequence length must be a whole number from 8 to 131072.',
      epochs: 'Epochs must be a whole number from 1 to 1000.',
    });
    expect(validateDraft({ ...draft, stopBy: 'steps' }).errors.maxSteps).toMatch(/number of steps/);
    expect(validateDraft({ ...draft, validation: 'split', valRatio: '0.9' }).errors.valRatio).toBe('Hold out at most half.');
    expect(validateDraft({ ...draft, seqLen: '4096' }, { maxSeqLen: 2048 }).errors.seqLen).toMatch(/at most 2048 tokens/);
    expect(validateDraft({ ...draft, seqLen: '2048' }, { maxSeqLen: 2048 }).ok).toBe(true);
  });

  it('round-trips through the config, YAML and back', () => {
    const v = validateDraft({ ...draft, stopBy: 'steps', maxSteps: '2', seqLen: '64', targetModules: 'q_proj, v_proj', validation: 'split' });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.config.maxSteps).toBe(2);
    expect(v.config.epochs).toBe(1);
    expect(v.config.lora.targetModules).toEqual(['q_proj', 'v_proj']);
    const back = trainJobConfigSchema.parse(parseYaml(toYaml(v.config)));
    expect(back).toEqual(v.config);
    expect(configToDraft(back)).toMatchObject({ stopBy: 'steps', maxSteps: '2', targetModules: 'q_proj,v_proj', validation: 'split' });
  });

  it('writes the qlora train command with the CLI flag names', () => {
    const v = validateDraft({ ...draft, packing: true, stopBy: 'steps', maxSteps: '2' });
    if (!v.ok) throw new Error('invalid');
    const cmd = cliCommand(v.config, '/models/my model');
    expect(cmd).toContain("--model '/models/my model'");
    expect(cmd).toContain('--data <path/to/dataset.jsonl>');
    expect(cmd).toContain('--lora-r 16');
    expect(cmd).toContain('--max-steps 2');
    expect(cmd).not.toContain('--epochs');
    expect(cmd).toContain('--packing');
    expect(cmd).not.toContain('--use-rslora');
    expect(cmd).toContain('--train-on completions');
  });
});
