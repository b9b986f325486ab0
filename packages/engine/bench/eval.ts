/**
 * Multiple-choice evaluation benchmark: how long `qlora eval --task multiple-choice` takes for N
 * items of 4 choices on a random model with SmolLM-135M's shape (weights generated in memory),
 * with each kernel choice. Items look like MMLU / ARC ones: a prompt of 40–80 tokens and choices
 * of 1–6 tokens. Two paths, so the ratio shows:
 * - `cached`: `scoreContinuationIds` item by item — the prompt once, each choice from its saved
 *   KV cache (5 small runs per item);
 * - `packed N`: `scoreItems` (eval/packing.ts) — items packed into token trees of at most N
 *   tokens, one composed-attention run each; its "load s" is the first run, which builds that
 *   session for this GroupQueryAttention model. RSS is the process's after the row.
 *
 *   node --import tsx packages/engine/bench/eval.ts [--items 500] [--kernels fast,exact,none] [--paths cached,packed]
 *     [--budgets 256,512] [--rounds 1] [--shape smollm-135m|tiny]
 *
 * 2026-12-09, 500 items (37,095 tokens), load average 2–3 (other work on the 2 cores):
 *   fast   cached 109.4 s (219 ms/item)   packed 512: 52.9 s (106 ms/item)   2.1×
 *   exact  cached 164.5 s (329 ms/item)   packed 512: 63.8 s (128 ms/item)   2.6×
 * 100 items, budget 256 (the default), load near 0: fast 111 → 80 ms/item (1.4×), exact 321 → 150 (2.1×).
 * More runs, and why 256, in bench/README.md.
 * Budgets interleaved (--items 100 --budgets 256,512,1024 --rounds 3), ms/item:
 *   fast 256: 82–89, 512: 92–114, 1024: 121–132; exact 256: 121–140, 512: 119–145, 1024: 146–237.
 */
import { scoreContinuationIds, type ContinuationItem } from '../src/eval/multiple-choice.js';
import { DEFAULT_TOKEN_BUDGET, scoreItems } from '../src/eval/packing.js';
import { loadCausalLM, type LoadCausalLMOptions } from '../src/model/causal-lm.js';
import { randomWeight, testModelConfig } from '../src/model/random-weights.js';
import { seededRng } from '../src/util/random.js';

const SHAPES = {
  'smollm-135m': { hiddenSize: 576, numLayers: 30, numHeads: 9, numKvHeads: 3, intermediateSize: 1536, vocabSize: 49152 },
  tiny: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 128, vocabSize: 512 },
} as const;

const SETUPS: Record<string, LoadCausalLMOptions> = {
  fast: { quant: 'nf4', kernels: 'fast' },
  exact: { quant: 'nf4', kernels: 'exact' },
  none: { quant: 'none' },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const shapeName = arg('shape', 'smollm-135m') as keyof typeof SHAPES;
const shape = SHAPES[shapeName];
if (!shape) throw new Error(`unknown shape ${shapeName}; known: ${Object.keys(SHAPES).join(', ')}`);
const config = testModelConfig({ ...shape, tieWordEmbeddings: true, maxPositionEmbeddings: 2048 });
const itemCount = Number(arg('items', '500'));
const rng = seededRng(11);
const token = (): number => Math.floor(rng() * config.vocabSize);
const items = Array.from({ length: itemCount }, () => ({
  prompt: Array.from({ length: 40 + Math.floor(rng() * 41) }, token),
  choices: Array.from({ length: 4 }, () => Array.from({ length: 1 + Math.floor(rng() * 6) }, token)),
}));
const unit = (item: (typeof items)[number]): ContinuationItem => ({ promptIds: item.prompt, continuations: item.choices });
const tokens = items.reduce((n, item) => n + item.prompt.length + item.choices.reduce((m, c) => m + c.length, 0), 0);

const budgets = arg('budgets', String(DEFAULT_TOKEN_BUDGET)).split(',').map(Number);
const paths = arg('paths', 'cached,packed').split(',');
const rounds = Number(arg('rounds', '1'));
const rssMiB = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

console.log(`Multiple choice: ${itemCount} items × 4 choices, ${tokens} tokens, ${shapeName} shape (${JSON.stringify(shape)})`);
console.log('kernels   path          load s   items/s   total s   ms/item   RSS MiB');
for (const name of arg('kernels', 'fast,exact').split(',')) {
  const options = SETUPS[name];
  if (!options) throw new Error(`unknown kernels ${name}; known: ${Object.keys(SETUPS).join(', ')}`);
  const loadStart = performance.now();
  const model = await loadCausalLM({ config, getWeight: (n) => randomWeight(config, n) }, { ...options, adapters: false });
  const loadS = (performance.now() - loadStart) / 1000;
  const row = (path: string, load: number, totalS: number): void =>
    console.log(
      `${name.padEnd(9)} ${path.padEnd(12)} ${load.toFixed(1).padStart(6)}   ${(itemCount / totalS).toFixed(2).padStart(7)}   ${totalS.toFixed(1).padStart(7)}   ${((1000 * totalS) / itemCount).toFixed(0).padStart(7)}   ${String(rssMiB()).padStart(7)}`,
    );
  if (paths.includes('cached')) {
    await scoreContinuationIds(model, items[0]!.prompt, items[0]!.choices); // warm-up
    const start = performance.now();
    for (const item of items) await scoreContinuationIds(model, item.prompt, item.choices);
    row('cached', loadS, (performance.now() - start) / 1000);
  }
  if (paths.includes('packed')) {
    // The first packed run builds the composed-attention session (GQA models): its time is the "load" of this row.
    const buildStart = performance.now();
    await scoreItems(model, [unit(items[0]!)]);
    const buildS = (performance.now() - buildStart) / 1000;
    // --rounds N interleaves the budgets N times, so a load change on this shared machine hits them alike.
    for (const budget of Array.from({ length: rounds }, () => budgets).flat()) {
      await scoreItems(model, items.slice(0, 8).map(unit), { tokenBudget: budget }); // warm-up at this size
      const start = performance.now();
      await scoreItems(model, items.map(unit), { tokenBudget: budget });
      row(`packed ${budget}`, buildS, (performance.now() - start) / 1000);
    }
  }
  await model.dispose();
}
