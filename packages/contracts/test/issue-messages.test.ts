import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobBodySchema, fieldLabel, numberRange, plainIssueMessage, plainIssues, trainJobConfigSchema } from '../src/index.js';

const train = (config: Record<string, unknown>) => ({ modelId: 'm', datasetId: 'd', ...config });

/** The plain messages of what `schema` refuses in `value`, by dotted path. */
function messages(schema: z.ZodType, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a refusal');
  return Object.fromEntries(plainIssues(result.error.issues, schema).map((i) => [i.path, i.message]));
}

describe('validation messages in plain words', () => {
  it('names the field by its label and states the allowed range', () => {
    const m = messages(trainJobConfigSchema, train({ learningRate: 5, batchSize: 0, epochs: 1.5, seqLen: 4, weightDecay: -1 }));
    expect(m).toEqual({
      learningRate: 'Learning rate must be more than 0 and at most 1.',
      batchSize: 'Batch size must be a whole number from 1 to 256.',
      epochs: 'Epochs must be a whole number from 1 to 1000.',
      seqLen: 'Sequence length must be a whole number from 8 to 131072.',
      weightDecay: 'Weight decay must be from 0 to 1.',
    });
    expect(Object.values(m).join(' ')).not.toMatch(/Too (big|small)|expected|<=|>=/);
  });

  it('finds the range through nested objects and the job body union', () => {
    expect(messages(trainJobConfigSchema, train({ lora: { alpha: 0 } }))).toEqual({ 'lora.alpha': 'LoRA alpha must be more than 0 and at most 4096.' });
    expect(messages(createJobBodySchema, { type: 'train', config: train({ learningRate: 1.5 }) })).toEqual({
      'config.learningRate': 'Learning rate must be more than 0 and at most 1.',
    });
    expect(messages(createJobBodySchema, { type: 'system-check', config: { matrixSize: 5 } })).toEqual({
      'config.matrixSize': 'Benchmark matrix size must be a whole number from 64 to 4096.',
    });
    expect(numberRange(trainJobConfigSchema, ['lora', 'r'])).toEqual({ min: 1, minInclusive: true, max: 512, maxInclusive: true, integer: true });
  });

  it('words other kinds of problems, and keeps messages the schema wrote itself', () => {
    const m = messages(trainJobConfigSchema, { modelId: '', datasetId: 'd', learningRate: Number.NaN, method: 'full', lora: { r: 0 } });
    expect(m).toEqual({
      modelId: 'Choose a base model.',
      learningRate: 'Learning rate must be a number more than 0 and at most 1.',
      method: 'Method must be one of: qlora, lora.',
      'lora.r': 'LoRA rank must be at least 1.',
    });
    expect(messages(z.object({ jobConcurrency: z.number().int().max(8) }).strict(), { jobConcurrency: 9, colour: 'blue' })).toEqual({
      jobConcurrency: 'Job concurrency must be a whole number at most 8.',
      '(root)': 'Unknown setting “colour”: leave it out.',
    });
    expect(
      plainIssueMessage({
        code: 'too_small',
        origin: 'string',
        minimum: 1,
        inclusive: true,
        path: ['name'],
        message: 'Too small: expected string to have >=1 characters',
        input: '',
      }),
    ).toBe('Name must not be empty.');
    expect(fieldLabel(['config', 'lora', 'dropout'])).toBe('LoRA dropout');
  });
});
