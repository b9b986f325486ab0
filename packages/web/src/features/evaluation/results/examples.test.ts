import { describe, expect, it } from 'vitest';
import { countOutcomes, pageOf, selectExamples, type Example, type ExampleQuery } from './examples';

const cell = (label: string, prediction: string, accuracy: number, outcome?: Example['models'][number]['outcome']) => ({
  label,
  prediction,
  correct: accuracy === 1,
  scores: { accuracy },
  ...(outcome ? { outcome } : {}),
});
const ex = (index: number, prompt: string, tuned: number, outcome: Example['models'][number]['outcome'], other = 0): Example => ({
  index,
  prompt,
  reference: `ref ${index}`,
  models: [cell('base', 'b', 0), cell('tuned', `answer ${index}`, tuned, outcome), cell('other', 'o', other, other ? 'won' : 'both wrong')],
});
const examples = [
  ex(0, 'What is 2+2?', 1, 'won'),
  ex(1, 'Capital of France', 0, 'both wrong', 1),
  ex(2, 'Colour of sky', 0, 'lost'),
  ex(3, 'What is 3+3?', 1, 'both right'),
];
const query: ExampleQuery = { model: 1, outcomes: [], text: '', sort: 'index', descending: false, scoreName: 'accuracy' };
const ids = (list: Example[]) => list.map((e) => e.index);

describe('selectExamples', () => {
  it('filters by the outcome of the chosen model against the base', () => {
    expect(ids(selectExamples(examples, { ...query, outcomes: ['won', 'lost'] }))).toEqual([0, 2]);
    expect(ids(selectExamples(examples, { ...query, model: 2, outcomes: ['won'] }))).toEqual([1]);
  });

  it('searches prompts, references and answers, ignoring case', () => {
    expect(ids(selectExamples(examples, { ...query, text: 'what IS' }))).toEqual([0, 3]);
    expect(ids(selectExamples(examples, { ...query, text: 'ref 2' }))).toEqual([2]);
    expect(ids(selectExamples(examples, { ...query, text: 'answer 1' }))).toEqual([1]);
  });

  it('sorts by index, outcome (won first) or score, either way', () => {
    expect(ids(selectExamples(examples, { ...query, descending: true }))).toEqual([3, 2, 1, 0]);
    expect(ids(selectExamples(examples, { ...query, sort: 'outcome' }))).toEqual([0, 2, 1, 3]);
    expect(ids(selectExamples(examples, { ...query, sort: 'score', descending: true }))).toEqual([0, 3, 1, 2]);
    expect(ids(selectExamples(examples, { ...query, sort: 'score' }))).toEqual([1, 2, 0, 3]);
  });

  it('puts items without the score last', () => {
    expect(ids(selectExamples(examples, { ...query, sort: 'score', scoreName: 'f1' }))).toEqual([0, 1, 2, 3]);
  });
});

describe('countOutcomes', () => {
  it('counts each outcome of a model', () => {
    expect(countOutcomes(examples, 1)).toEqual({ won: 1, lost: 1, 'both right': 1, 'both wrong': 1 });
  });
});

describe('pageOf', () => {
  it('slices a page and clamps the page number', () => {
    const list = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(list, 1, 50)).toMatchObject({ page: 1, pages: 3 });
    expect(pageOf(list, 1, 50).items[0]).toBe(50);
    expect(pageOf(list, 9, 50)).toMatchObject({ page: 2, pages: 3, items: list.slice(100) });
    expect(pageOf([], 3, 50)).toEqual({ items: [], page: 0, pages: 1 });
  });
});
