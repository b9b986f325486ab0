/**
 * Seeded sampling in the generate task: the same seed gives the same outputs, another seed
 * other outputs, and each item samples with its own seed (seed + index), so evaluating only the
 * first items repeats the start of the full run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateGenerate, type EvalSampling } from '../src/eval/run.js';
import { generate } from '../src/infer/generate.js';
import { Tokenizer } from '../src/io/tokenizer.js';
import { loadCausalLM, type OrtCausalLM } from '../src/model/causal-lm.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-eval-sampling-'));
let model: OrtCausalLM;
let tokenizer: Tokenizer;

beforeAll(async () => {
  makeTinyModel({ arch: 'llama', outDir: dir, seed: 9 });
  model = await loadCausalLM(dir, { quant: 'none', threads: 1 });
  tokenizer = Tokenizer.fromFolder(dir);
});
afterAll(async () => {
  await model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const items = ['Once upon a time', 'The cat sat', 'Tell me a story about', 'Numbers: 1, 2,'].map((prompt) => ({ prompt, reference: 'x', continuation: ' x' }));

async function outputs(sampling: EvalSampling | undefined, subset = items): Promise<string[]> {
  const result = await evaluateGenerate(model, tokenizer, subset, { maxNewTokens: 12, extractor: { kind: 'whole' }, ...(sampling ? { sampling } : {}) });
  return result.items.map((i) => i.output ?? '');
}

describe('evaluateGenerate with seeded sampling', () => {
  const sampling = { temperature: 1.5, topP: 1, seed: 7 };

  it('gives the same outputs for the same seed, and others for another seed', async () => {
    const first = await outputs(sampling);
    expect(await outputs(sampling)).toEqual(first);
    const other = await outputs({ ...sampling, seed: 8 });
    expect(other).not.toEqual(first);
    // Sampling at all: greedy decoding writes something else.
    expect(await outputs(undefined)).not.toEqual(first);
  });

  it('samples item i with seed + i, so a shorter run repeats the start of the full one', async () => {
    const all = await outputs(sampling);
    expect(await outputs(sampling, items.slice(0, 2))).toEqual(all.slice(0, 2));
    const second = await generate(model, tokenizer, tokenizer.encode(items[1]!.prompt, { addSpecialTokens: true }), {
      maxNewTokens: 12,
      temperature: 1.5,
      topP: 1,
      seed: sampling.seed + 1,
    });
    expect(all[1]).toBe(second.text);
  });

  it('keeps only the top-p nucleus: a tiny top-p is greedy', async () => {
    expect(await outputs({ temperature: 1.5, topP: 1e-6, seed: 3 })).toEqual(await outputs(undefined));
  });
});
