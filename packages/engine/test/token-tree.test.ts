/**
 * Token trees (model/token-tree.ts) and `OrtCausalLM.forwardTree`: positions are depths, the mask
 * is "itself and its ancestors" (and the window on sliding layers), and each tree row's logits
 * are what the plain TypeScript reference gives for that token's own sequence alone — for every
 * family, both attention kinds, and with an adapter.
 */
import { describe, expect, it } from 'vitest';
import { loadCausalLM } from '../src/model/causal-lm.js';
import type { LoraWeights } from '../src/model/lora.js';
import { treeMaskBias, treePositions } from '../src/model/token-tree.js';
import { LAYER_LINEARS, linearModule, linearShape } from '../src/model/weight-names.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { referenceForward, type GetWeight } from '../src/reference/decoder.js';
import { mergedLoraWeights } from '../src/reference/lora.js';
import type { ModelConfig } from '../src/io/config.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { errorOf } from './helpers.js';
import { tinyFamilyModel, tinyModel } from './model-fixtures.js';

/** fp32 graphs against the float64-accumulating reference, as in model-families.test.ts. */
const TOLERANCE = 1e-4;

/**
 * Two items: a 7-token prompt with branches of 3, 1 and 5 tokens (past the window of 4), and a
 * 2-token prompt with one branch of 2; 20 tokens.
 */
const IDS = [1, 5, 9, 33, 2, 60, 17, 4, 71, 8, 90, 3, 30, 31, 32, 33, 11, 12, 40, 41];
const PARENTS = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 6, 6, 11, 12, 13, 14, -1, 16, 17, 18];

/** Each token's own sequence: its ancestors, root first, and itself. */
function pathOf(parents: readonly number[], t: number): number[] {
  const path: number[] = [];
  for (let k = t; k >= 0; k = parents[k]!) path.unshift(k);
  return path;
}

describe('token tree layout', () => {
  it('positions are depths; a parent must be an earlier token', () => {
    expect([...treePositions(PARENTS)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 7, 8, 9, 10, 11, 0, 1, 2, 3]);
    expect(errorOf(() => treePositions([-1, 1]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(errorOf(() => treePositions([-2]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('the mask shows a token itself and its ancestors, within the window, for each query head of a group', () => {
    const parents = [-1, 0, 1, 1, -1];
    const T = parents.length;
    const positions = treePositions(parents);
    const visible = (mask: Float32Array, row: number): number[] => [...mask.subarray(row * T, (row + 1) * T)].flatMap((v, k) => (v === 0 ? [k] : []));
    const full = treeMaskBias(parents, positions, 2, null);
    expect([0, 1, 2, 3, 4].map((q) => visible(full, q))).toEqual([[0], [0, 1], [0, 1, 2], [0, 1, 3], [4]]);
    expect([0, 1, 2, 3, 4].map((q) => visible(full, T + q))).toEqual([[0], [0, 1], [0, 1, 2], [0, 1, 3], [4]]); // second query head
    expect(full[3 * T + 2]).toBe(-Infinity); // a sibling branch is hidden
    const window2 = treeMaskBias(parents, positions, 1, 2);
    expect([0, 1, 2, 3, 4].map((q) => visible(window2, q))).toEqual([[0], [0, 1], [1, 2], [1, 3], [4]]);
  });
});

/** A rank-2 adapter on every linear of both layers. */
function everyLinearAdapter(config: ModelConfig, seed: number): LoraWeights {
  const rng = seededRng(seed);
  const adapter: LoraWeights = { scaling: 2, modules: new Map() };
  for (const layer of [0, 1]) {
    for (const linear of LAYER_LINEARS) {
      const [N, K] = linearShape(config, linear);
      adapter.modules.set(linearModule(layer, linear), { A: randomUniform(2 * K, rng, -0.3, 0.3), B: randomUniform(N * 2, rng, -0.3, 0.3), r: 2 });
    }
  }
  return adapter;
}

/** Worst relative error of the tree's logits at every token against the reference over its own sequence. */
async function treeError(
  forwardTree: (ids: number[], parents: number[], rows: number[]) => Promise<Float32Array>,
  config: ModelConfig,
  want: GetWeight,
): Promise<number> {
  const V = config.vocabSize;
  const rows = IDS.map((_, t) => t);
  const got = await forwardTree(IDS, PARENTS, rows);
  expect(got.length).toBe(rows.length * V);
  let worst = 0;
  for (const t of rows) {
    const path = pathOf(PARENTS, t);
    const ref = referenceForward(
      config,
      want,
      path.map((k) => IDS[k]!),
    ).logits;
    worst = Math.max(worst, maxRelativeError(got.subarray(t * V, (t + 1) * V), ref.subarray((path.length - 1) * V), 1).maxError);
  }
  return worst;
}

const CASES: [string, Record<string, unknown>][] = [
  ['llama', {}],
  ['qwen3', {}],
  ['qwen3', { head_dim: 8 }],
  ['gemma2', {}],
  ['gemma2', { head_dim: 8 }],
  ['gemma3_text', {}],
  ['mistral', { sliding_window: 3 }],
];

describe('OrtCausalLM.forwardTree', () => {
  it.each(CASES)('%s %j: every row equals the reference over that token’s own sequence, windows and soft-caps included', async (modelType, fields) => {
    const { config, get } = tinyFamilyModel(modelType, { sliding_window: 4, ...fields }, 7);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      await model.forward([3, 4, 5]);
      expect(await treeError((...a) => model.forwardTree(...a), config, get)).toBeLessThan(TOLERANCE);
      expect(model.cacheLength).toBe(3); // the cache is neither read nor changed
      const adapter = everyLinearAdapter(config, 10);
      model.loadAdapter('a', adapter);
      model.setActiveAdapter('a');
      expect(await treeError((...a) => model.forwardTree(...a), config, mergedLoraWeights(get, adapter))).toBeLessThan(TOLERANCE);
    } finally {
      await model.dispose();
    }
  });

  it('the check can fail: a tree whose branches all see each other (one chain) differs from the reference', async () => {
    const { config, get } = tinyModel({}, 3);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1 });
    try {
      const chain = IDS.map((_, t) => t - 1);
      expect(await treeError((ids, _parents, rows) => model.forwardTree(ids, chain, rows), config, get)).toBeGreaterThan(1e-2);
    } finally {
      await model.dispose();
    }
  });

  it('refuses mismatched parents, rows outside the tree, positions past the model, and a model loaded with tree: false', async () => {
    const { config, get } = tinyModel({ maxPositionEmbeddings: 8 }, 3);
    const model = await loadCausalLM({ config, getWeight: get }, { quant: 'none', threads: 1, tree: false });
    try {
      await expect(model.forwardTree([1, 2], [-1], [0])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(model.forwardTree([1, 2], [-1, 0], [2])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const long = Array.from({ length: 9 }, (_, t) => t);
      await expect(
        model.forwardTree(
          long,
          long.map((t) => t - 1),
          [0],
        ),
      ).rejects.toThrow(/max_position_embeddings/);
      await expect(model.forwardTree([1, 2], [-1, 0], [1])).rejects.toThrow(/tree: false/);
    } finally {
      await model.dispose();
    }
  });
});
