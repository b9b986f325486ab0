/**
 * Inference benchmark: prefill tokens/s, time to first token, decode tokens/s and peak RSS of
 * `OrtCausalLM` on a random model with SmolLM-135M's shape (hidden 576, 30 layers, 9 heads,
 * 3 kv heads, intermediate 1536, vocab 49152, tied embeddings), weights generated in memory.
 * Each kernel setup runs in its own process so peak RSS is its own.
 *
 *   node --import tsx packages/engine/bench/inference.ts [--shape smollm-135m|tiny] [--modes none,nf4,nf4-exact,nf4-int4]
 *        [--prompt 128] [--decode 64] [--threads N] [--layers 30] [--lora R]
 *
 * --lora R also times decoding with a rank-R adapter on every linear (the LoRA graph variant).
 * Weights are generated one tensor at a time when the loader asks, like reading a checkpoint.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCausalLM, type LoadCausalLMOptions } from '../src/model/causal-lm.js';
import { randomWeight, testModelConfig } from '../src/model/random-weights.js';
import { linearModule, linearShape, LAYER_LINEARS } from '../src/model/weight-names.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { argmax } from '../src/reference/decoder.js';

const MODES: Record<string, LoadCausalLMOptions> = {
  none: { quant: 'none' },
  nf4: { quant: 'nf4', kernels: 'fast' },
  'nf4-exact': { quant: 'nf4', kernels: 'exact' },
  'nf4-int4': { quant: 'nf4', kernels: { layers: 'int4', lmHead: 'int4' } },
  'nf4-int8-fp32head': { quant: 'nf4', kernels: { layers: 'int8', lmHead: 'fp32' } },
};

/** Model shapes to time: SmolLM-135M's, and the tiny default of `qlora make-tiny-model`. */
const SHAPES = {
  'smollm-135m': { hiddenSize: 576, numLayers: 30, numHeads: 9, numKvHeads: 3, intermediateSize: 1536, vocabSize: 49152 },
  tiny: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 128, vocabSize: 512 },
} as const;

function shapeName(): keyof typeof SHAPES {
  const name = arg('shape', 'smollm-135m');
  if (!(name in SHAPES)) throw new Error(`unknown shape ${name}; known: ${Object.keys(SHAPES).join(', ')}`);
  return name as keyof typeof SHAPES;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Result {
  mode: string;
  loadS: number;
  prefillTokS: number;
  ttftMs: number;
  decodeTokS: number;
  peakRssMiB: number;
  loraDecodeTokS?: number;
}

async function runMode(mode: string): Promise<Result> {
  const options = MODES[mode];
  if (!options) throw new Error(`unknown mode ${mode}; known: ${Object.keys(MODES).join(', ')}`);
  const promptLength = Number(arg('prompt', '128'));
  const decodeSteps = Number(arg('decode', '64'));
  const threads = arg('threads', '');
  const config = testModelConfig({ ...SHAPES[shapeName()], maxPositionEmbeddings: 2048, tieWordEmbeddings: true });
  if (arg('layers', '')) config.numLayers = Number(arg('layers', ''));
  const loraRank = Number(arg('lora', '0'));
  const t0 = performance.now();
  const model = await loadCausalLM(
    { config, getWeight: (name) => randomWeight(config, name) },
    { ...options, adapters: loraRank > 0, ...(threads ? { threads: Number(threads) } : {}) },
  );
  const loadS = (performance.now() - t0) / 1000;
  const prompt = Array.from({ length: promptLength }, (_, i) => (i * 7919 + 13) % config.vocabSize);
  // Warm-up: first runs allocate and (for MatMulNBits) finish prepacking.
  await model.forward(prompt.slice(0, 16));
  await model.forward([1]);
  model.resetCache();
  const p0 = performance.now();
  let logits = await model.forward(prompt);
  const ttftMs = performance.now() - p0;
  const d0 = performance.now();
  for (let step = 0; step < decodeSteps; step++) logits = await model.forward([argmax(logits)]);
  const decodeS = (performance.now() - d0) / 1000;
  let loraDecodeTokS: number | undefined;
  if (loraRank > 0) {
    const rng = seededRng(2);
    const modules = new Map<string, { A: Float32Array; B: Float32Array; r: number }>();
    for (let layer = 0; layer < config.numLayers; layer++) {
      for (const linear of LAYER_LINEARS) {
        const [N, K] = linearShape(config, linear);
        modules.set(linearModule(layer, linear), {
          A: randomUniform(loraRank * K, rng, -0.01, 0.01),
          B: randomUniform(N * loraRank, rng, -0.01, 0.01),
          r: loraRank,
        });
      }
    }
    model.loadAdapter('bench', { scaling: 2, modules });
    model.setActiveAdapter('bench');
    model.resetCache();
    logits = await model.forward(prompt);
    const l0 = performance.now();
    for (let step = 0; step < decodeSteps; step++) logits = await model.forward([argmax(logits)]);
    loraDecodeTokS = decodeSteps / ((performance.now() - l0) / 1000);
  }
  await model.dispose();
  return {
    mode,
    loadS,
    prefillTokS: promptLength / (ttftMs / 1000),
    ttftMs,
    decodeTokS: decodeSteps / decodeS,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(loraDecodeTokS === undefined ? {} : { loraDecodeTokS }),
  };
}

const child = arg('child', '');
if (child) {
  console.log(JSON.stringify(await runMode(child)));
} else {
  const modes = arg('modes', 'none,nf4,nf4-exact').split(',');
  const self = fileURLToPath(import.meta.url);
  const passThrough = process.argv.slice(2).filter((_, i, all) => all[i] !== '--modes' && all[i - 1] !== '--modes');
  console.log(`${shapeName()} shape (${JSON.stringify(SHAPES[shapeName()])}), prompt ${arg('prompt', '128')} tokens, ${arg('decode', '64')} decode steps`);
  console.log('mode                 load s  prefill tok/s  TTFT ms  decode tok/s  peak RSS MiB  LoRA decode tok/s');
  for (const mode of modes) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, ...passThrough], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(`${mode}: failed\n${run.stderr}`);
      continue;
    }
    const r = JSON.parse(line) as Result;
    console.log(
      `${r.mode.padEnd(20)} ${r.loadS.toFixed(1).padStart(6)}  ${r.prefillTokS.toFixed(0).padStart(13)}  ${r.ttftMs.toFixed(0).padStart(7)}  ${r.decodeTokS.toFixed(1).padStart(12)}  ${r.peakRssMiB.toFixed(0).padStart(12)}  ${r.loraDecodeTokS === undefined ? '-' : r.loraDecodeTokS.toFixed(1).padStart(17)}`,
    );
  }
}
