/**
 * Batched log-likelihood scoring: many items per graph run. Scoring item by item
 * (`scoreContinuationIds`) runs the prompt, then each choice from the saved cache — five small
 * runs per 4-choice item, where the int8 / NF4 matmuls run at a few rows and per-run overhead
 * dominates. Here several items are laid out as ONE token tree (model/token-tree.ts) and run
 * once with `CausalLM.forwardTree`:
 *
 *   item 1: prompt₁ ─┬─ choice₁ₐ       item 2: prompt₂ ─┬─ choice₂ₐ   …
 *                    ├─ choice₁ᵦ                        └─ choice₂ᵦ
 *                    └─ …
 *
 * each prompt computed once, each choice attending to its own prompt and its own earlier tokens,
 * at the positions it would have unpacked. A choice's last token is only predicted, never fed,
 * so it takes no place in the tree (a one-token choice reads the prompt's last row).
 *
 * Items are packed in order up to a token budget. The composed attention's cost grows with
 * T² (every query against every key, mostly masked), so the budget is a trade between fewer
 * larger runs and wasted attention (`DEFAULT_TOKEN_BUDGET`, measured in bench/eval.ts). An item
 * larger than the budget alone — or every item, for a model without `forwardTree` — is scored
 * by `scoreContinuationIds` (the KV-cache path, whose memory does not grow with T²).
 */
import type { CausalLM } from '../infer/causal-lm.js';
import { logSoftmax } from '../infer/sampling.js';
import { argmax, fittedPrompt, scoreContinuationIds, type ContinuationItem, type ContinuationScore } from './multiple-choice.js';

/**
 * Tokens per packed run. On the SmolLM-135M shape (2 cores, MMLU-like items, budgets interleaved
 * in one process, bench/eval.ts --rounds 3): 256 was the fastest with fast kernels (82–89 ms an
 * item against 92–114 at 512 and 121–132 at 1024), as fast as 512 with exact ones, and holds the
 * least memory; 128 and 2048 were slower. See bench/README.md.
 */
export const DEFAULT_TOKEN_BUDGET = 256;

/** Options of `scoreItems`. */
export interface ScoreItemsOptions {
  /** Most tokens in one packed run (default `DEFAULT_TOKEN_BUDGET`). */
  tokenBudget?: number;
  /** Checked before each run. */
  signal?: AbortSignal;
  /** Called after each run with how many items (a prefix, in order) are scored. */
  onProgress?: (done: number, total: number) => void;
}

/** Throws an AbortError once `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('The evaluation was canceled.'), { name: 'AbortError' });
}

/** A token tree of several items, and where each item's logit rows are. */
export interface PackedItems {
  ids: number[];
  parents: number[];
  /** The tree tokens whose logits are wanted. */
  rows: number[];
  /** Per item: its prompt's last row (index into `rows`), and per continuation the rows predicting its 2nd… tokens. */
  items: { next: number; continuations: number[][] }[];
}

/** Tokens `item` takes in a tree: its prompt, and each continuation but its last token. */
export function treeTokens(item: ContinuationItem): number {
  return item.promptIds.length + item.continuations.reduce((n, c) => n + c.length - 1, 0);
}

/** Lays items out as one token tree (see the file comment); prompts are taken as given (already fitted). */
export function packItems(items: readonly ContinuationItem[]): PackedItems {
  const packed: PackedItems = { ids: [], parents: [], rows: [], items: [] };
  const push = (id: number, parent: number): number => {
    packed.ids.push(id);
    packed.parents.push(parent);
    return packed.ids.length - 1;
  };
  const row = (token: number): number => packed.rows.push(token) - 1;
  for (const item of items) {
    let last = -1;
    for (const id of item.promptIds) last = push(id, last);
    const promptLast = last;
    const next = row(promptLast);
    const continuations = item.continuations.map((ids) => {
      let parent = promptLast;
      return ids.slice(0, -1).map((id) => row((parent = push(id, parent))));
    });
    packed.items.push({ next, continuations });
  }
  return packed;
}

/** Scores packed items from their logits (rows.length, V) as `scoreContinuationIds` scores them. */
function scoresOf(items: readonly ContinuationItem[], packed: PackedItems, logits: Float32Array, V: number): ContinuationScore[][] {
  const rowOf = (r: number): Float32Array => logits.subarray(r * V, (r + 1) * V);
  return items.map((item, i) => {
    const placed = packed.items[i]!;
    const next = logSoftmax(rowOf(placed.next)); // (V): what follows the prompt
    const greedyNext = argmax(next);
    return item.continuations.map((ids, c) => {
      let logprob = next[ids[0]!]!;
      let greedy = greedyNext === ids[0];
      placed.continuations[c]!.forEach((r, j) => {
        const row = rowOf(r); // predicts ids[j + 1]
        logprob += logSoftmax(row)[ids[j + 1]!]!;
        if (argmax(row) !== ids[j + 1]) greedy = false;
      });
      return { logprob, tokens: ids.length, greedy };
    });
  });
}

/**
 * Scores every item's continuations — the numbers `scoreContinuationIds` gives, left truncation
 * of long prompts included — packing items into runs of at most `tokenBudget` tokens (see the
 * file comment). `result[i][k]` is item i's k-th continuation. An item scored by
 * `scoreContinuationIds` (larger than the budget, or no `forwardTree`) leaves the KV cache changed.
 */
export async function scoreItems(model: CausalLM, items: readonly ContinuationItem[], options: ScoreItemsOptions = {}): Promise<ContinuationScore[][]> {
  const budget = options.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
  const { maxPositionEmbeddings: maxPositions, vocabSize: V } = model.config;
  const out: ContinuationScore[][] = [];
  let batch: ContinuationItem[] = [];
  let batchTokens = 0;
  const done = (scores: ContinuationScore[][]): void => {
    out.push(...scores);
    options.onProgress?.(out.length, items.length);
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    throwIfAborted(options.signal);
    const packed = packItems(batch);
    const logits = await model.forwardTree!(packed.ids, packed.parents, packed.rows);
    done(scoresOf(batch, packed, logits, V));
    batch = [];
    batchTokens = 0;
  };
  for (const item of items) {
    const fitted = { promptIds: fittedPrompt(maxPositions, item.promptIds, item.continuations), continuations: item.continuations };
    const tokens = treeTokens(fitted);
    if (!model.forwardTree || tokens > budget) {
      await flush();
      throwIfAborted(options.signal);
      done([await scoreContinuationIds(model, item.promptIds, item.continuations)]);
      continue;
    }
    if (batchTokens + tokens > budget) await flush();
    batch.push(fitted);
    batchTokens += tokens;
  }
  await flush();
  return out;
}
