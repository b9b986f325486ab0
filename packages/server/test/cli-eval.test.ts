/**
 * `qlora eval` from the command line: a multiple-choice choice's log-probability equals the sum
 * of its tokens' log-probabilities as `qlora score` computes them for the same texts (prompt +
 * choice minus prompt), with exact and fast kernels; generate and loss run; bad input is named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './cli-run.js';
import { tempHome } from './helpers.js';

let home: string;
let model: string;
let mcFile: string;
let qaFile: string;

const items = [
  { question: 'What is two and two?', choices: ['three', 'four', 'five', 'twenty two'], answer: 1 },
  { question: 'The children went to the', choices: ['A) park', 'B) moon', 'C) sea'], answer: 'A' },
];
const prompt = (q: string): string => `Question: ${q}\nAnswer:`;

beforeAll(async () => {
  home = tempHome();
  model = path.join(home, 'tiny');
  expect((await run(['make-tiny-model', '--arch', 'llama', '--out', model, '--layers', '2', '--seed', '9'])).code).toBe(0);
  mcFile = path.join(home, 'mc.jsonl');
  fs.writeFileSync(mcFile, items.map((i) => JSON.stringify(i)).join('\n'));
  qaFile = path.join(home, 'qa.csv');
  fs.writeFileSync(qaFile, 'question,answer\nWhat is one and one?,two\nName a colour,blue\n');
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** Σ −log p of every token after the first, as `qlora score --json` reports it (loss × tokens). */
async function scoredNll(text: string, kernels: string): Promise<number> {
  const file = path.join(home, `score-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(file, JSON.stringify({ text }));
  const res = await run(['score', '--model', model, '--data', file, '--kernels', kernels, '--json']);
  expect(res.code, res.err).toBe(0);
  const report = JSON.parse(res.out) as { loss: number; tokens: number };
  return report.loss * report.tokens;
}

describe('qlora eval --task multiple-choice', () => {
  it.each(['fast', 'exact'])('a choice scores the sum of its tokens as qlora score counts them (--kernels %s)', async (kernels) => {
    const res = await run(['eval', '--model', model, '--data', mcFile, '--task', 'multiple-choice', '--kernels', kernels, '--json']);
    expect(res.code, res.err).toBe(0);
    const result = JSON.parse(res.out) as {
      metrics: Record<string, number>;
      items: { target: string; prediction: string; correct: boolean; choices: { text: string; logprob: number }[] }[];
    };
    expect(result.items.map((i) => i.target)).toEqual(['four', 'park']);
    expect(result.items[1]!.choices.map((c) => c.text)).toEqual(['park', 'moon', 'sea']);
    for (const [n, item] of result.items.entries()) {
      const p = prompt(items[n]!.question);
      const promptNll = await scoredNll(p, kernels);
      for (const choice of item.choices) {
        const wholeNll = await scoredNll(`${p} ${choice.text}`, kernels);
        expect(choice.logprob).toBeCloseTo(-(wholeNll - promptNll), 3);
      }
      // The prediction is the most likely choice.
      const best = item.choices.reduce((a, b) => (b.logprob > a.logprob ? b : a));
      expect(item.prediction).toBe(best.text);
      expect(item.correct).toBe(item.prediction === item.target);
    }
    expect(result.metrics.accuracy).toBe(result.items.filter((i) => i.correct).length / 2);
    expect(result.metrics.accuracy_norm).toBeGreaterThanOrEqual(0);
  });

  it('names a missing field, a bad answer and a bad flag before the model loads', async () => {
    expect((await run(['eval', '--model', model, '--data', mcFile, '--task', 'multiple-choice', '--answer-field', 'label'])).err).toContain(
      'has no field "label"',
    );
    const bad = path.join(home, 'bad.jsonl');
    fs.writeFileSync(bad, JSON.stringify({ question: 'q', choices: ['a', 'b'], answer: 'E' }));
    expect((await run(['eval', '--model', model, '--data', bad, '--task', 'multiple-choice'])).err).toMatch(/line 1: answer "E" is no choice/);
    expect((await run(['eval', '--model', model, '--data', mcFile, '--task', 'rank'])).err).toContain('--task multiple-choice | generate | loss');
    expect((await run(['eval', '--model', model, '--data', mcFile, '--task', 'loss', '--quant', 'none', '--kernels', 'exact'])).err).toContain(
      'needs --quant nf4',
    );
  });
});

describe('qlora eval --task generate and loss', () => {
  it('generates greedily and compares the extracted answers; the loss task reports loss and perplexity', async () => {
    const gen = await run(['eval', '--model', model, '--data', qaFile, '--task', 'generate', '--max-new-tokens', '4', '--quant', 'none', '--json']);
    expect(gen.code, gen.err).toBe(0);
    const generated = JSON.parse(gen.out) as { metrics: Record<string, number>; items: { target: string; output: string; prediction: string }[] };
    expect(Object.keys(generated.metrics)).toEqual(['exact_match', 'f1', 'rouge_l', 'bleu', 'chrf']);
    expect(generated.items.map((i) => i.target)).toEqual(['two', 'blue']);
    // Greedy: the same output as qlora generate for the same prompt.
    const direct = await run([
      'generate',
      '--model',
      model,
      '--prompt',
      'Question: What is one and one?\nAnswer:',
      '--max-new-tokens',
      '4',
      '--quant',
      'none',
      '--temperature',
      '0',
      '--json',
    ]);
    expect(generated.items[0]!.output).toBe((JSON.parse(direct.out) as { text: string }).text);
    const loss = await run(['eval', '--model', model, '--data', qaFile, '--task', 'loss', '--quant', 'none', '--json']);
    const report = JSON.parse(loss.out) as { metrics: { loss: number; perplexity: number; tokens: number } };
    expect(report.metrics.perplexity).toBeCloseTo(Math.exp(report.metrics.loss), 6);
    expect(report.metrics.tokens).toBeGreaterThan(1);
  });
});
