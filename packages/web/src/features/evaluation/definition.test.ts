import { DEFAULT_JUDGE_RUBRIC, defaultBenchmarkTemplates, type Benchmark } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import {
  checkDraft,
  draftFromBenchmark,
  draftToDefinition,
  emptyDraft,
  guessFields,
  parseStops,
  unknownPlaceholders,
  withTask,
  type BenchmarkDraft,
} from './definition';

const draft = (patch: Partial<BenchmarkDraft>): BenchmarkDraft => ({ ...emptyDraft(), datasetId: 'ds1', question: 'q', answer: 'a', ...patch });

describe('draftToDefinition', () => {
  it('builds a multiple-choice definition with one list field for the choices', () => {
    const d = draftToDefinition(draft({ choicesField: 'choices' }));
    expect(d).toEqual({
      datasetId: 'ds1',
      task: 'multiple-choice',
      fields: { question: 'q', answer: 'a', choices: 'choices' },
      template: defaultBenchmarkTemplates['multiple-choice'],
    });
  });

  it('uses one field per choice, dropping empty selects', () => {
    const d = draftToDefinition(draft({ choicesMode: 'fields', choiceFields: ['A', '', 'B', 'C'] }));
    expect(d.fields.choices).toEqual(['A', 'B', 'C']);
  });

  it('adds generation settings for generate, with escaped stop strings, a regex extractor and seeded sampling', () => {
    const d = draftToDefinition(
      draft({
        task: 'generate',
        maxNewTokens: '128',
        stop: '\\n\\n\nQuestion:',
        extractor: 'regex',
        pattern: '#### (\\d+)',
        sampling: true,
        temperature: '0.5',
        topP: '0.9',
        seed: '3',
      }),
    );
    expect(d.fields).toEqual({ question: 'q', answer: 'a' });
    expect(d.generation).toEqual({
      maxNewTokens: 128,
      stop: ['\n\n', 'Question:'],
      extractor: { kind: 'regex', pattern: '#### (\\d+)' },
      sampling: { temperature: 0.5, topP: 0.9, seed: 3 },
    });
    expect(d.judge).toBeUndefined();
  });

  it('adds the rubric and pass mark for judge only, and no generation settings for loss', () => {
    expect(draftToDefinition(draft({ task: 'judge' })).judge).toEqual({ rubric: DEFAULT_JUDGE_RUBRIC, passMark: 7 });
    const loss = draftToDefinition(draft({ task: 'loss' }));
    expect(loss.generation).toBeUndefined();
    expect(loss.judge).toBeUndefined();
  });

  it("keeps a fine-tune's held-out rows and the chosen dataset version", () => {
    const rows = { kind: 'held-out' as const, ratio: 0.1, seed: 42, jobId: 'job1' };
    const d = draftToDefinition(draft({ rows, datasetVersion: 2, task: 'loss' }));
    expect(d.rows).toEqual(rows);
    expect(d.datasetVersion).toBe(2);
  });
});

describe('checkDraft', () => {
  it('accepts a complete draft and fills the defaults', () => {
    const c = checkDraft(draft({ choicesField: 'choices' }));
    expect(c.problems).toEqual([]);
    expect(c.definition?.task).toBe('multiple-choice');
  });

  it('names what is missing in the words of the form', () => {
    const c = checkDraft(draft({ datasetId: '', answer: '' }));
    expect(c.definition).toBeNull();
    expect(c.problems.some((p) => p.startsWith('Dataset:'))).toBe(true);
    expect(c.problems.some((p) => p.startsWith('Answer field:'))).toBe(true);
    expect(c.problems.some((p) => p.startsWith('Choices:'))).toBe(true);
  });

  it('refuses an invalid regex and a rubric without {answer}', () => {
    expect(checkDraft(draft({ task: 'generate', extractor: 'regex', pattern: '(' })).problems.join()).toMatch(
      /Answer pattern: .*not a valid regular expression/,
    );
    expect(checkDraft(draft({ task: 'judge', rubric: 'Grade it.' })).problems.join()).toMatch(/Rubric: .*\{answer\}/);
  });

  it('refuses a number field left empty', () => {
    expect(checkDraft(draft({ task: 'generate', maxNewTokens: '' })).problems.join()).toMatch(/Max new tokens/);
  });
});

describe('withTask', () => {
  it('follows the new task’s default templates unless the user edited them', () => {
    expect(withTask(emptyDraft('multiple-choice'), 'generate').continuation).toBe(' {answer}');
    const edited = { ...emptyDraft('multiple-choice'), continuation: ' ({choice})' };
    expect(withTask(edited, 'generate').continuation).toBe(' ({choice})');
  });
});

describe('draftFromBenchmark', () => {
  it('round-trips a stored version into the same definition', () => {
    const b: Benchmark = {
      id: 'b1',
      name: 'Arithmetic',
      version: 2,
      datasetId: 'ds1',
      datasetVersion: 3,
      datasetName: 'math',
      rows: { kind: 'all' },
      task: 'generate',
      fields: { question: 'q', answer: 'a' },
      template: { prompt: 'Q: {question}\nA:', continuation: ' {answer}' },
      generation: { maxNewTokens: 32, stop: ['\n'], extractor: { kind: 'last-number' }, sampling: { temperature: 0.7, topP: 1, seed: 5 } },
      judge: null,
      items: 10,
      createdAt: '2025-01-01T00:00:00Z',
      versions: [2, 1],
    };
    const d = draftFromBenchmark(b);
    expect(d.name).toBe('Arithmetic');
    expect(draftToDefinition(d)).toEqual({
      datasetId: 'ds1',
      datasetVersion: 3,
      task: 'generate',
      fields: b.fields,
      template: b.template,
      generation: b.generation,
    });
  });
});

describe('guessFields', () => {
  it('finds question, answer and a list of choices by their usual names', () => {
    expect(guessFields(['id', 'Question', 'choices', 'answer'])).toEqual({
      question: 'Question',
      answer: 'answer',
      choicesMode: 'list',
      choicesField: 'choices',
      choiceFields: [],
    });
  });

  it('reads single-letter columns as one field per choice', () => {
    expect(guessFields(['question', 'A', 'B', 'C', 'D', 'label'])).toMatchObject({
      answer: 'label',
      choicesMode: 'fields',
      choiceFields: ['A', 'B', 'C', 'D'],
    });
  });

  it('falls back to the first column for the question and leaves unknowns empty', () => {
    expect(guessFields(['foo', 'bar'])).toMatchObject({ question: 'foo', answer: '', choicesField: '' });
  });
});

describe('template helpers', () => {
  it('parses stop strings one a line with escapes', () => {
    expect(parseStops('\\n\n\nEND\\t')).toEqual(['\n', 'END\t']);
  });

  it('flags placeholders that are neither a column nor a special one', () => {
    expect(unknownPlaceholders('Q: {question} {contxt} {ctx}', ['ctx', 'q'], ['question'])).toEqual(['contxt']);
    expect(unknownPlaceholders('{anything}', [], [])).toEqual([]);
  });
});
