/**
 * `qlora eval --task generate` with seeded sampling: --temperature samples, the same --seed gives
 * the same outputs, another seed others; sampling flags without a temperature, or on another
 * task, are refused with what to do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './cli-run.js';
import { tempHome } from './helpers.js';

let home: string;
let model: string;
let qaFile: string;

beforeAll(async () => {
  home = tempHome();
  model = path.join(home, 'tiny');
  expect((await run(['make-tiny-model', '--arch', 'llama', '--out', model, '--layers', '2', '--seed', '9'])).code).toBe(0);
  qaFile = path.join(home, 'qa.jsonl');
  const rows = ['Once upon a time', 'The cat sat', 'Tell me a story', 'Numbers: 1, 2,'].map((question) => ({ question, answer: 'x' }));
  fs.writeFileSync(qaFile, rows.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

async function outputs(...flags: string[]): Promise<string[]> {
  const res = await run(['eval', '--model', model, '--data', qaFile, '--task', 'generate', '--max-new-tokens', '10', '--quant', 'none', '--json', ...flags]);
  expect(res.code, res.err).toBe(0);
  return (JSON.parse(res.out) as { items: { output: string }[] }).items.map((i) => i.output);
}

describe('qlora eval --temperature --top-p --seed', () => {
  it('samples reproducibly: the same seed, the same outputs; another seed, others', async () => {
    const sampled = await outputs('--temperature', '1.5', '--top-p', '0.95', '--seed', '3');
    expect(await outputs('--temperature', '1.5', '--top-p', '0.95', '--seed', '3')).toEqual(sampled);
    expect(await outputs('--temperature', '1.5', '--top-p', '0.95', '--seed', '4')).not.toEqual(sampled);
    expect(await outputs()).not.toEqual(sampled);
  });

  it('refuses sampling flags that cannot apply, naming what to do', async () => {
    const noTemperature = await run(['eval', '--model', model, '--data', qaFile, '--task', 'generate', '--seed', '3']);
    expect(noTemperature.code).not.toBe(0);
    expect(noTemperature.err).toContain('give a --temperature too');
    const badTemperature = await run(['eval', '--model', model, '--data', qaFile, '--task', 'generate', '--temperature', '0']);
    expect(badTemperature.err).toContain('--temperature must be above 0');
    const wrongTask = await run(['eval', '--model', model, '--data', qaFile, '--task', 'loss', '--temperature', '0.7']);
    expect(wrongTask.err).toContain('apply to --task generate only');
  });
});
