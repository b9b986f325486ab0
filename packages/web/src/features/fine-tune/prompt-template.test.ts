import { trainJobConfigSchema } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { cliCommand, configToDraft, draftToInput, emptyDraft, validateDraft } from './config-draft';
import { mappingText, suggestedPromptTemplate } from './components/prompt-template-picker';

const base = { ...emptyDraft, modelId: 'm', datasetId: 'd' };

describe('the prompt template in the Fine-tune form', () => {
  it('sends nothing for the model’s own template, the id for a named one, and the text for a custom one', () => {
    expect(draftToInput(base).promptTemplate).toBeUndefined();
    expect(draftToInput({ ...base, promptTemplate: 'question-answer' }).promptTemplate).toEqual({ id: 'question-answer' });
    expect(draftToInput({ ...base, promptTemplate: 'custom', customTemplate: 'Q: {prompt}\nA: {response}' }).promptTemplate).toEqual({
      id: 'custom',
      template: 'Q: {prompt}\nA: {response}',
    });
  });

  it('round-trips through a config (duplicate, presets, YAML import)', () => {
    const config = trainJobConfigSchema.parse(draftToInput({ ...base, promptTemplate: 'custom', customTemplate: 'Q: {prompt}\nA: {response}' }));
    expect(configToDraft(config)).toMatchObject({ promptTemplate: 'custom', customTemplate: 'Q: {prompt}\nA: {response}' });
    expect(configToDraft(trainJobConfigSchema.parse(draftToInput(base))).promptTemplate).toBe('');
  });

  it('puts a custom template’s problem on its field, in plain words', () => {
    const result = validateDraft({ ...base, promptTemplate: 'custom', customTemplate: 'Q: {question}\nA: {response}' });
    expect(result.ok).toBe(false);
    expect(result.errors.customTemplate).toMatch(/\{question\}, which is not a placeholder/);
  });

  it('shows it in the equivalent qlora train command', () => {
    const config = trainJobConfigSchema.parse(draftToInput({ ...base, promptTemplate: 'alpaca' }));
    expect(cliCommand(config, '/models/base')).toContain('--prompt-template alpaca');
  });

  it('proposes a template by the data’s layout, and says which columns were read as what', () => {
    expect(suggestedPromptTemplate('prompt-completion')).toBe('question-answer');
    expect(suggestedPromptTemplate('alpaca')).toBe('alpaca');
    expect(suggestedPromptTemplate('messages')).toBe('chatml');
    expect(mappingText({ prompt: 'question', completion: 'answer' })).toBe('question → prompt, answer → completion');
    expect(mappingText({})).toBeNull();
  });
});
