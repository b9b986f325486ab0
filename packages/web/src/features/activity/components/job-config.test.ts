import { trainJobConfigSchema, type Job } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { testJob } from '../../../lib/jobs/test-job';
import { configRows, trainsOnText } from './job-config';

function trainJob(trainOn: 'completions' | 'all'): Job {
  return testJob('j1', {
    type: 'train',
    title: 'Fine-tune',
    status: 'succeeded',
    config: trainJobConfigSchema.parse({ modelId: 'm1', datasetId: 'd1', trainOn }),
  });
}

const trainsOn = (job: Job, format: Parameters<typeof configRows>[1]) => configRows(job, format).find(([label]) => label === 'Trains on')?.[1];

describe('what a fine-tune trains on, as the job page says it', () => {
  it('raw text trains on every token, even with completion-only loss chosen', () => {
    expect(trainsOn(trainJob('completions'), 'text')).toBe('Every token (raw text has no prompt to leave out)');
    expect(trainsOnText('completions', 'text')).not.toMatch(/completions only/i);
  });

  it('chats, instructions and prompt/completion pairs train on completions only', () => {
    for (const format of ['alpaca', 'sharegpt', 'messages', 'prompt-completion'] as const)
      expect(trainsOn(trainJob('completions'), format)).toBe('Completions only');
  });

  it('whole records whatever the layout, when asked', () => {
    expect(trainsOn(trainJob('all'), 'text')).toBe('Whole records');
    expect(trainsOn(trainJob('all'), 'messages')).toBe('Whole records');
  });

  it('a layout no longer known (dataset deleted) says what raw text would do', () => {
    expect(trainsOn(trainJob('completions'), null)).toBe('Completions only (raw text: every token)');
  });
});

describe('the prompt template, as the job page says it', () => {
  const template = (job: Job, format: Parameters<typeof configRows>[1]) => configRows(job, format).find(([label]) => label === 'Prompt template')?.[1];

  it('names the template a chat-like dataset was written out with, and says nothing of it for raw text', () => {
    const job = trainJob('completions');
    expect(template(job, 'prompt-completion')).toBe("The model's chat template");
    expect(template({ ...job, config: { ...job.config, promptTemplate: { id: 'question-answer' } } }, 'prompt-completion')).toBe('Question / Answer');
    expect(template(job, 'text')).toBeUndefined();
  });
});
