/**
 * Packed scoring (eval/packing.ts): `scoreItems` gives the numbers `scoreContinuationIds` gives —
 * log-probabilities to 1e-4, token counts and greedy flags equal — for every family, quant none
 * and NF4 (exact and fast kernels), with an adapter active, with choices of uneven lengths
 * (one-token ones included), prompts truncated from the left, and items larger than the budget;
 * and it packs several items per run.
 */
import { describe, expect, it, vi } from 'vitest';
import { scoreContinuationIds, type ContinuationItem, type ContinuationScore } from '../src/eval/multiple-choice.js';
import { packItems, scoreItems, treeTokens } from '../src/eval/packing.js';
import type { ModelConfig } from '../src/io/config.js';
import { loadCausalLM, type LoadCausalLMOptions, type OrtCausalLM } from '../src/model/causal-lm.js';
import type { LoraWeights } from '../src/model/lora.js';
import { linearModule, linearShape } from '../src/model/weight-names.js';
import { referenceGreedy, type GetWeight } from '../src/reference/decoder.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { tinyFamilyModel } from './model-fixtures.js';
import { bytesCodec, scriptedTable, TableLM } from './table-lm.js';

/**
 * Largest log-probability difference. fp32 and MatMulBnb4 (exact NF4) graphs: the packed run
 * differs from the cached ones by float rounding (≤ 1.3e-5 seen). The fast kernels round
 * activations to int8 per block of 64, so a 1e-7 difference can move a value across one rounding
 * step, and a log-probability by up to a few 1e-2 on these random models (2.9e-2 seen with the
 * adapter on gemma2), while the median stays ~1e-7: the median is held to `TOLERANCE.exact` too.
 */
const TOLERANCE = { exact: 1e-4, int8: 5e-2 };

/**
 * Items of 2–4 choices of 1–5 tokens after prompts of 1–12 tokens; one choice of each item is
 * the reference's greedy continuation (so some greedy flags are true), and the last item's prompt
 * is longer than the model's positions (left truncation).
 */
function makeItems(config: ModelConfig, get: GetWeight, seed: number): ContinuationItem[] {
  const rng = seededRng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  const tokens = (n: number): number[] => Array.from({ length: n }, () => int(3, config.vocabSize - 1));
  const items = Array.from({ length: 9 }, () => {
    const promptIds = tokens(int(1, 12));
    const continuations = Array.from({ length: int(2, 4) }, () => tokens(int(1, 5)));
    continuations[int(0, continuations.length - 1)] = referenceGreedy(config, get, promptIds, int(1, 3));
    return { promptIds, continuations };
  });
  items.push({ promptIds: tokens(config.maxPositionEmbeddings + 5), continuations: [tokens(3), tokens(1)] });
  return items;
}

/** Every score of `got` equals `want`'s (log-probabilities within `tolerance`). */
function expectSameScores(got: ContinuationScore[][], want: ContinuationScore[][], tolerance = TOLERANCE.exact): void {
  expect(got.length).toBe(want.length);
  const diffs: number[] = [];
  got.forEach((item, i) => {
    expect(item.length).toBe(want[i]!.length);
    item.forEach((score, k) => {
      diffs.push(Math.abs(score.logprob - want[i]![k]!.logprob));
      expect({ tokens: score.tokens, greedy: score.greedy }).toEqual({ tokens: want[i]![k]!.tokens, greedy: want[i]![k]!.greedy });
    });
  });
  diffs.sort((a, b) => a - b);
  expect(diffs.at(-1)).toBeLessThan(tolerance);
  expect(diffs[diffs.length >> 1]).toBeLessThan(TOLERANCE.exact);
}

async function unpacked(model: OrtCausalLM, items: readonly ContinuationItem[]): Promise<ContinuationScore[][]> {
  const out: ContinuationScore[][] = [];
  for (const item of items) out.push(await scoreContinuationIds(model, item.promptIds, item.continuations));
  return out;
}

/** A rank-3 adapter on q, v, o and down of both layers. */
function adapterFor(config: ModelConfig, seed: number): LoraWeights {
  const rng = seededRng(seed);
  const modules: LoraWeights['modules'] = new Map();
  for (const layer of [0, 1]) {
    for (const linear of ['q_proj', 'v_proj', 'o_proj', 'down_proj'] as const) {
      const [N, K] = linearShape(config, linear);
      modules.set(linearModule(layer, linear), { A: randomUniform(3 * K, rng, -0.3, 0.3), B: randomUniform(N * 3, rng, -0.3, 0.3), r: 3 });
    }
  }
  return { scaling: 2, modules };
}

const FAMILIES: [string, Record<string, unknown>][] = [
  ['llama', {}],
  ['qwen3', {}],
  ['gemma2', { sliding_window: 4 }],
  ['gemma3_text', { head_dim: 8, num_key_value_heads: 1, sliding_window: 4 }],
  ['mistral', { sliding_window: 3 }],
];
const QUANTS: [string, LoadCausalLMOptions, number][] = [
  ['none', { quant: 'none' }, TOLERANCE.exact],
  ['nf4 exact', { quant: 'nf4', kernels: 'exact' }, TOLERANCE.exact],
  ['nf4 fast', { quant: 'nf4', kernels: 'fast' }, TOLERANCE.int8],
];

describe('scoreItems', () => {
  describe.each(QUANTS)('%s', (_, options, tolerance) => {
    it.each(FAMILIES)('%s %j: equals scoreContinuationIds item by item, without and with an adapter', async (modelType, fields) => {
      const { config, get } = tinyFamilyModel(modelType, { max_position_embeddings: 24, ...fields }, 5);
      const items = makeItems(config, get, 6);
      const model = await loadCausalLM({ config, getWeight: get }, { ...options, threads: 1 });
      try {
        const want = await unpacked(model, items);
        if (options.quant === 'none') expect(want.flat().some((s) => s.greedy)).toBe(true);
        expectSameScores(await scoreItems(model, items, { tokenBudget: 40 }), want, tolerance);
        model.loadAdapter('a', adapterFor(config, 8));
        model.setActiveAdapter('a');
        const adapted = await unpacked(model, items);
        expect(Math.abs(adapted[0]![0]!.logprob - want[0]![0]!.logprob)).toBeGreaterThan(1e-3); // the adapter is on
        expectSameScores(await scoreItems(model, items, { tokenBudget: 40 }), adapted, tolerance);
      } finally {
        await model.dispose();
      }
    });
  });

  it('packs items in order up to the budget, and scores an item larger than the budget on its own', async () => {
    const { config, get } = tinyFamilyModel('llama', {}, 5);
    const items = makeItems(config, get, 7).slice(0, 9);
    const big = { promptIds: Array.from({ length: 30 }, (_, i) => 3 + i), continuations: [[4, 5, 6], [7]] };
    items.splice(4, 0, big);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      const want = await unpacked(model, items);
      const tree = vi.spyOn(model, 'forwardTree');
      const progress: number[] = [];
      const got = await scoreItems(model, items, { tokenBudget: 24, onProgress: (done) => progress.push(done) });
      expectSameScores(got, want);
      const sizes = tree.mock.calls.map(([ids]) => ids.length);
      expect(sizes.every((n) => n <= 24)).toBe(true);
      expect(tree.mock.calls.length).toBeLessThan(items.length - 1); // several items per run
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(items.filter((i) => i !== big).reduce((n, i) => n + treeTokens(i), 0)); // the big one went item by item
      expect(progress.at(-1)).toBe(items.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      await model.dispose();
    }
  });

  it('lays out each prompt once and each choice but its last token, choices after their own prompt', () => {
    const packed = packItems([
      { promptIds: [10, 11], continuations: [[20], [21, 22, 23]] },
      { promptIds: [12], continuations: [[24, 25]] },
    ]);
    expect(packed.ids).toEqual([10, 11, 21, 22, 12, 24]);
    expect(packed.parents).toEqual([-1, 0, 1, 2, -1, 4]);
    expect(packed.rows).toEqual([1, 2, 3, 4, 5]);
    expect(packed.items).toEqual([
      { next: 0, continuations: [[], [1, 2]] },
      { next: 3, continuations: [[4]] },
    ]);
  });

  it('scores item by item on a model without forwardTree, and stops when the signal is aborted', async () => {
    const model = new TableLM(scriptedTable('abc', 0), 256);
    const codec = bytesCodec;
    const items = [{ promptIds: codec.encode('a'), continuations: [codec.encode('b'), codec.encode('bc')] }];
    const want = await scoreContinuationIds(model, items[0]!.promptIds, items[0]!.continuations);
    expect(await scoreItems(model, items)).toEqual([want]);
    const controller = new AbortController();
    controller.abort();
    await expect(scoreItems(model, items, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
