/**
 * Multiple-choice evaluation benchmark: how long `qlora eval --task multiple-choice` takes for N
 * items of 4 choices on a random model with SmolLM-135M's shape (weights generated in memory),
 * with each kernel choice. Items look like MMLU / ARC ones: a prompt of 40–80 tokens and choices
 * of 1–6 tokens. The prompt runs once per item; every choice continues from its saved cache.
 *
 *   node --import tsx packages/engine/bench/eval.ts [--items 500] [--kernels fast,exact,none] [--shape smollm-135m|tiny]
 */
import { scoreContinuationIds } from '../src/eval/multiple-choice.js';
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
const tokens = items.reduce((n, item) => n + item.prompt.length + item.choices.reduce((m, c) => m + c.length, 0), 0);

console.log(`Multiple choice: ${itemCount} items × 4 choices, ${tokens} tokens, ${shapeName} shape (${JSON.stringify(shape)})`);
console.log('kernels   load s   items/s   total s   ms/item');
for (const name of arg('kernels', 'fast,exact').split(',')) {
  const options = SETUPS[name];
  if (!options) throw new Error(`unknown kernels ${name}; known: ${Object.keys(SETUPS).join(', ')}`);
  const loadStart = performance.now();
  const model = await loadCausalLM({ config, getWeight: (n) => randomWeight(config, n) }, { ...options, adapters: false });
  const loadS = (performance.now() - loadStart) / 1000;
  await scoreContinuationIds(model, items[0]!.prompt, items[0]!.choices); // warm-up
  const start = performance.now();
  for (const item of items) await scoreContinuationIds(model, item.prompt, item.choices);
  const totalS = (performance.now() - start) / 1000;
  await model.dispose();
  console.log(
    `${name.padEnd(9)} ${loadS.toFixed(1).padStart(6)}   ${(itemCount / totalS).toFixed(2).padStart(7)}   ${totalS.toFixed(1).padStart(7)}   ${((1000 * totalS) / itemCount).toFixed(0).padStart(7)}`,
  );
}
