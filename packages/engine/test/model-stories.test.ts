import { describe, expect, it } from 'vitest';
import { loadCausalLM, type LoadCausalLMOptions } from '../src/model/causal-lm.js';
import { argmax } from '../src/reference/decoder.js';
import type { CausalLM } from '../src/infer/causal-lm.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';

// From ../shared/data/models/stories260K-hf/README.md (fp32 greedy, 100 new tokens).
const AFTER_BOS = [
  403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426,
  385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267, 337, 335, 312, 432, 398, 312, 286, 267, 414, 270, 333, 415, 426, 13, 438,
  310, 439, 419, 357, 336, 432, 313, 438, 310, 432, 278, 316, 439, 419, 298, 414, 267, 265, 282, 295, 433, 426, 436, 317, 286, 296, 418, 269, 279, 292, 416,
  439, 413, 409, 416, 327, 263,
];
const PROMPT = [1, 403, 407, 261, 378]; // "Once upon a time"
const AFTER_PROMPT = [...AFTER_BOS.slice(4), 415, 294, 267, 400];
const TOP5_AT_BOS: [number, number][] = [
  [403, 17.0235],
  [385, 15.4062],
  [410, 13.1083],
  [317, 12.7692],
  [407, 12.4181],
];

async function greedy(model: CausalLM, prompt: number[], steps: number): Promise<number[]> {
  model.resetCache();
  let logits = await model.forward(prompt);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push(argmax(logits));
    if (i + 1 < steps) logits = await model.forward([out[i]!]);
  }
  return out;
}

async function withModel(options: LoadCausalLMOptions, f: (model: CausalLM) => Promise<void>): Promise<void> {
  const model = await loadCausalLM(stories260K, { threads: 1, ...options });
  try {
    await f(model);
  } finally {
    await model.dispose();
  }
}

describe(`stories260K through ONNX Runtime${skipWithoutShared}`, () => {
  it.skipIf(!hasStories260K)('quant none: README top-5 logits at BOS and the 100 greedy ids after BOS and after the prompt', async () => {
    await withModel({ quant: 'none' }, async (model) => {
      const bos = await model.forward([1]);
      for (const [id, value] of TOP5_AT_BOS) expect(Math.abs(bos[id]! - value)).toBeLessThan(1e-3);
      expect(await greedy(model, [1], 100)).toEqual(AFTER_BOS);
      expect(await greedy(model, PROMPT, 100)).toEqual(AFTER_PROMPT);
    });
  });

  it.skipIf(!hasStories260K)("quant nf4: fast kernels add a small fraction of NF4's own error, and NF4 keeps the opening", async () => {
    const prompt = [...PROMPT, ...AFTER_PROMPT.slice(0, 20)];
    const logits: Record<string, Float32Array> = {};
    for (const [name, options] of [
      ['fp32', { quant: 'none' }],
      ['exact', { quant: 'nf4', kernels: 'exact' }],
      ['fast', { quant: 'nf4' }],
    ] as const) {
      await withModel(options, async (model) => {
        logits[name] = await model.forward(prompt, { allLogits: true });
        expect((await greedy(model, [1], 6)).slice(0, 4)).toEqual(AFTER_BOS.slice(0, 4)); // "Once upon a time"
      });
    }
    const nf4Error = rmsDifference(logits.exact!, logits.fp32!); // ≈ 1.0 logit
    expect(nf4Error).toBeGreaterThan(0.1);
    // Measured: fast vs exact ≈ 0.10 rms, i.e. ~10% of NF4's own error.
    expect(rmsDifference(logits.fast!, logits.exact!)).toBeLessThan(0.2 * nf4Error);
  });
});

function rmsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}
