/**
 * Multiple-choice scoring: choices continue the prompt's saved cache and score what a full
 * forward over prompt + choice scores; the harness's split of prompt and continuation; items
 * read from rows in every shape the issue names, and their errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MULTIPLE_CHOICE_TEMPLATE, multipleChoiceItem, referenceItem } from '../src/eval/items.js';
import { pickChoices, scoreChoices, splitContinuation, type ChoiceScore } from '../src/eval/multiple-choice.js';
import { evaluateGenerate, evaluateMultipleChoice } from '../src/eval/run.js';
import { scoreTokenIds } from '../src/infer/score.js';
import { Tokenizer } from '../src/io/tokenizer.js';
import { loadCausalLM, type OrtCausalLM } from '../src/model/causal-lm.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { errorOf } from './helpers.js';
import { bytesCodec, scriptedTable, TableLM } from './table-lm.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-eval-'));
let model: OrtCausalLM;
let tokenizer: Tokenizer;

beforeAll(async () => {
  makeTinyModel({ arch: 'llama', outDir: dir, seed: 4 });
  model = await loadCausalLM(dir, { quant: 'none', threads: 1 });
  tokenizer = Tokenizer.fromFolder(dir);
});
afterAll(async () => {
  await model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('scoreChoices', () => {
  it('scores each choice as a full forward over prompt + choice does, the prompt run once', async () => {
    const prompt = 'Question: Where did the children go?\nAnswer:';
    const choices = [' to the park', ' home', ' to the big old tree by the river'];
    const scores = await scoreChoices(model, tokenizer, prompt, choices);
    for (const [i, choice] of choices.entries()) {
      const { promptIds, continuationIds } = splitContinuation(tokenizer, prompt, choice);
      const full = await scoreTokenIds(model, [...promptIds, ...continuationIds], promptIds.length);
      expect(scores[i]!.tokens).toBe(continuationIds.length);
      expect(scores[i]!.logprob).toBeCloseTo(-full.nll, 4);
      expect(scores[i]!.greedy).toBe(full.greedy);
      expect(scores[i]!.chars).toBe(choice.length);
    }
  });

  it('splits as lm-evaluation-harness does: a space ending the prompt moves to the choice; the choice is the tail of the whole encoding', () => {
    const split = splitContinuation(tokenizer, 'The cat sat on the ', 'mat');
    expect(split.text).toBe(' mat');
    const whole = tokenizer.encode('The cat sat on the mat', { addSpecialTokens: true });
    expect([...split.promptIds, ...split.continuationIds]).toEqual(whole);
    expect(split.promptIds).toEqual(tokenizer.encode('The cat sat on the', { addSpecialTokens: true }));
    expect(split.promptIds[0]).toBe(tokenizer.encode('x', { addSpecialTokens: true })[0]); // BOS, as generation encodes prompts
  });

  it('picks by log-probability, and by log-probability per character for accuracy_norm', () => {
    const score = (logprob: number, chars: number): ChoiceScore => ({ logprob, chars, tokens: 1, greedy: false, text: '' });
    expect(pickChoices([score(-4, 2), score(-6, 12)])).toEqual({ raw: 0, norm: 1 });
    expect(pickChoices([score(-3, 3), score(-3, 3)])).toEqual({ raw: 0, norm: 0 });
  });

  it('evaluates items: accuracy is the share whose most likely choice is the answer', async () => {
    const prompt = 'Question: Once upon a\nAnswer:';
    const scores = await scoreChoices(model, tokenizer, prompt, [' time', ' tree']);
    const best = pickChoices(scores).raw;
    const items = [
      { prompt, continuations: [' time', ' tree'], choices: ['time', 'tree'], answer: best },
      { prompt, continuations: [' time', ' tree'], choices: ['time', 'tree'], answer: 1 - best },
    ];
    const result = await evaluateMultipleChoice(model, tokenizer, items);
    expect(result.metrics.accuracy).toBe(0.5);
    expect(result.items.map((i) => i.correct)).toEqual([true, false]);
    // Items are scored packed (eval/packing.ts): the same numbers within float rounding.
    result.items[0]!.choices!.forEach((c, i) => expect(c.logprob).toBeCloseTo(scores[i]!.logprob, 5));
  });
});

describe('multiple-choice items from rows', () => {
  const fields = { question: 'question', choices: 'choices', answer: 'answer' };
  const item = (row: Record<string, unknown>, f: Parameters<typeof multipleChoiceItem>[1] = fields) =>
    multipleChoiceItem(row, f, DEFAULT_MULTIPLE_CHOICE_TEMPLATE, 'line 1');

  it('reads a list, letter-prefixed choices, a JSON list, one column per choice; an answer by index, letter or text', () => {
    expect(item({ question: 'q', choices: ['3', '4'], answer: 1 })).toEqual({
      prompt: 'Question: q\nAnswer:',
      continuations: [' 3', ' 4'],
      choices: ['3', '4'],
      answer: 1,
    });
    expect(item({ question: 'q', choices: ['A)5', 'B) 6', 'C) 7'], answer: 'C' })).toMatchObject({ choices: ['5', '6', '7'], answer: 2 });
    expect(item({ question: 'q', choices: ['(A) x', '(B) y'], answer: 'y' })).toMatchObject({ choices: ['x', 'y'], answer: 1 });
    expect(item({ question: 'q', choices: '["red", "blue"]', answer: '0' })).toMatchObject({ choices: ['red', 'blue'], answer: 0 });
    expect(item({ question: 'q', A: 'x', B: 'y', C: 'z', answer: 'b' }, { ...fields, choices: ['A', 'B', 'C'] })).toMatchObject({
      choices: ['x', 'y', 'z'],
      answer: 1,
    });
    // Letters out of order are part of the text.
    expect(item({ question: 'q', choices: ['B) no', 'A) yes'], answer: 0 })).toMatchObject({ choices: ['B) no', 'A) yes'] });
  });

  it('fills {field} placeholders from the row, and names what is wrong', () => {
    const template = { prompt: '{context}\nQ: {question}\nA:', continuation: ' {choice}' };
    expect(multipleChoiceItem({ context: 'c', question: 'q', choices: ['a', 'b'], answer: 0 }, fields, template, 'row 2').prompt).toBe('c\nQ: q\nA:');
    expect(errorOf(() => multipleChoiceItem({ question: 'q', choices: ['a', 'b'], answer: 0 }, fields, template, 'row 2')).message).toBe(
      `row 2 (the template's {context}): has no field "context" (fields: question, choices, answer).`,
    );
    expect(errorOf(() => item({ question: 'q', choices: ['a', 'b'], answer: 2 })).message).toMatch(/line 1: answer 2 is no choice: there are 2/);
    expect(errorOf(() => item({ question: 'q', choices: ['a', 'b'], answer: 'c' })).message).toMatch(/answer "c" is no choice: there are 2 \(0–1, or A–B\)/);
    expect(errorOf(() => item({ question: 'q', choices: ['yes', 'no'], answer: 'maybe' })).message).toMatch(
      /answer "maybe" is none of the choices \("yes", "no"\)/,
    );
    // Text is a choice's own text before it is an index: "4" among 3, 4, 5 is the second.
    expect(item({ question: 'q', choices: ['3', '4', '5'], answer: '4' }).answer).toBe(1);
    expect(errorOf(() => item({ question: 'q', choices: ['only'], answer: 0 })).message).toMatch(/must list two choices or more/);
    expect(errorOf(() => item({ question: { text: 'q' }, choices: ['a', 'b'], answer: 0 })).message).toMatch(/field "question" is \{"text":"q"\}, not text/);
  });

  it('reads a reference item for generation and loss', () => {
    expect(referenceItem({ q: 'What?', a: 'This.' }, { question: 'q', answer: 'a' }, { prompt: '{question}', continuation: ' {answer}' }, 'row 1')).toEqual({
      prompt: 'What?',
      reference: 'This.',
      continuation: ' This.',
    });
  });
});

describe('evaluateGenerate', () => {
  it('generates greedily, extracts the answers from output and reference, and averages the item scores', async () => {
    const eos = 200;
    const model = new TableLM(scriptedTable('=42.', eos), 256);
    const items = [
      { prompt: 'Q: six times seven?\nA:', reference: 'The answer is 42', continuation: '' },
      { prompt: 'Q: three and four?\nA:', reference: '7', continuation: '' },
    ];
    const result = await evaluateGenerate(model, bytesCodec, items, { maxNewTokens: 16, eosTokenIds: [eos], extractor: { kind: 'last-number' } });
    expect(result.items.map((i) => [i.output, i.prediction, i.target, i.correct])).toEqual([
      ['=42.', '42', '42', true],
      ['=42.', '42', '7', false],
    ]);
    expect(result.metrics).toMatchObject({ exact_match: 0.5, f1: 0.5, rouge_l: 0.5 });
    expect(result.metrics.chrf).toBeGreaterThan(0);
    expect(result.metrics.chrf).toBeLessThan(100);
  });
});
