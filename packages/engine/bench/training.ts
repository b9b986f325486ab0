/**
 * Training benchmark: (Q)LoRA training steps of `LoraTrainer` on a random model with
 * SmolLM-135M's shape (hidden 576, 30 layers, 9 / 3 heads, intermediate 1536, vocab 49152,
 * tied embeddings), LoRA r 16 on all seven linears of every layer, every token trained.
 * Prints per setup: training tokens/s, time per step split into block forwards, head (loss and
 * its gradient), block backwards and optimizer, achieved GFLOP/s against the fp32 GEMM rate
 * measured in the same run, and peak RSS. Each setup runs in its own process (its own RSS).
 *
 *   node --import tsx packages/engine/bench/training.ts [--shape smollm-135m|tiny] [--setups qlora:1,qlora:4,lora:1,lora:4]
 *        [--seq 256] [--steps 3] [--threads N] [--budget MiB]
 *
 * FLOPs counted per step (what the graphs compute, not an idealised 6·P): every frozen linear
 * and the lm_head forward (2·P per token) and their input gradients (2·P), the LoRA branches
 * (forward, dA, dB, dx), attention (QKᵀ and P·V over all T keys: 4·T·H·D per token per layer
 * forward, 8·T·H·D backward), plus the block forward again when activations are recomputed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLoraConfig } from '../src/io/peft.js';
import { randomWeight, testModelConfig } from '../src/model/random-weights.js';
import { linearShape, LAYER_LINEARS } from '../src/model/weight-names.js';
import { timeMatmul } from '../src/system/matmul-benchmark.js';
import { calibrationBatch } from '../src/train/calibrate.js';
import { GradAccumulator } from '../src/train/clip.js';
import { initLoraAdapter } from '../src/train/lora-init.js';
import { adamWOptions, Optimizer } from '../src/train/optimizer.js';
import { LoraTrainer, type TrainMethod } from '../src/train/train-step.js';

const SHAPES = {
  'smollm-135m': { hiddenSize: 576, numLayers: 30, numHeads: 9, numKvHeads: 3, intermediateSize: 1536, vocabSize: 49152 },
  tiny: { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2, intermediateSize: 128, vocabSize: 512 },
} as const;
const RANK = 16;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function shapeName(): keyof typeof SHAPES {
  const name = arg('shape', 'smollm-135m');
  if (!(name in SHAPES)) throw new Error(`unknown shape ${name}; known: ${Object.keys(SHAPES).join(', ')}`);
  return name as keyof typeof SHAPES;
}

interface Result {
  setup: string;
  tokensPerSecond: number;
  stepMs: number;
  forwardMs: number;
  headMs: number;
  backwardMs: number;
  optimizerMs: number;
  gflops: number;
  savedActivations: boolean;
  peakRssMiB: number;
  loadS: number;
}

/** FLOPs of one training step of B × T tokens (see the header). */
function stepFlops(config: ReturnType<typeof testModelConfig>, B: number, T: number, recompute: boolean): number {
  const tokens = B * T;
  let linear = 0;
  let lora = 0;
  for (const l of LAYER_LINEARS) {
    const [N, K] = linearShape(config, l);
    linear += N * K;
    lora += RANK * (N + K);
  }
  const head = config.vocabSize * config.hiddenSize;
  const attention = 4 * T * config.numHeads * config.headDim; // per token per layer, forward
  const blockForward = config.numLayers * (2 * linear + 2 * lora + attention);
  const blockBackward = config.numLayers * (2 * linear + 3 * 2 * lora + 2 * attention);
  const perToken = blockForward * (recompute ? 2 : 1) + blockBackward + 2 * head * 2;
  return perToken * tokens;
}

async function runSetup(setup: string): Promise<Result> {
  const [method, batch] = setup.split(':') as [TrainMethod, string];
  const B = Number(batch);
  const T = Number(arg('seq', '256'));
  const steps = Number(arg('steps', '3'));
  const threads = arg('threads', '');
  const config = testModelConfig({ ...SHAPES[shapeName()], maxPositionEmbeddings: 2048, tieWordEmbeddings: true });
  const adapter = initLoraAdapter(config, createLoraConfig({ r: RANK, loraAlpha: 2 * RANK, targetModules: 'all-linear' }), 1);
  const t0 = performance.now();
  const trainer = await LoraTrainer.create({
    config,
    getWeight: (name) => randomWeight(config, name),
    adapter,
    method,
    ...(threads ? { intraOpNumThreads: Number(threads) } : {}),
    ...(arg('budget', '') ? { activationBudgetBytes: Number(arg('budget', '')) * 2 ** 20 } : {}),
  });
  const loadS = (performance.now() - t0) / 1000;
  const stepBatch = calibrationBatch(config, B, T, 3);
  const optimizer = new Optimizer(adamWOptions());
  const accumulator = new GradAccumulator();
  const totals = { forwardMs: 0, headMs: 0, backwardMs: 0, optimizerMs: 0, stepMs: 0 };
  let saved = false;
  for (let s = 0; s <= steps; s++) {
    const start = performance.now();
    const r = await trainer.step(stepBatch);
    const o0 = performance.now();
    accumulator.add(r.grads, r.tokens);
    trainer.applyUpdate(accumulator, optimizer, 1e-4, 1);
    const optimizerMs = performance.now() - o0;
    if (s === 0) continue; // warm-up: first runs plan memory and build the saved-activation graphs
    totals.forwardMs += r.timing.forwardMs;
    totals.headMs += r.timing.headMs;
    totals.backwardMs += r.timing.backwardMs;
    totals.optimizerMs += optimizerMs;
    totals.stepMs += performance.now() - start;
    saved = r.savedActivations;
  }
  await trainer.release();
  const per = (ms: number): number => ms / steps;
  const stepMs = per(totals.stepMs);
  return {
    setup,
    tokensPerSecond: (B * T) / (stepMs / 1000),
    stepMs,
    forwardMs: per(totals.forwardMs),
    headMs: per(totals.headMs),
    backwardMs: per(totals.backwardMs),
    optimizerMs: per(totals.optimizerMs),
    gflops: stepFlops(config, B, T, !saved) / (stepMs / 1000) / 1e9,
    savedActivations: saved,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    loadS,
  };
}

const child = arg('child', '');
if (child) {
  console.log(JSON.stringify(await runSetup(child)));
} else {
  const setups = arg('setups', 'qlora:1,qlora:4,lora:1,lora:4').split(',');
  const self = fileURLToPath(import.meta.url);
  const passThrough = process.argv.slice(2).filter((_, i, all) => all[i] !== '--setups' && all[i - 1] !== '--setups');
  const threads = arg('threads', '');
  const gemmRate = async (): Promise<number> =>
    (await timeMatmul({ size: 1024, threads: threads ? Number(threads) : 0, seconds: 2, signal: new AbortController().signal })).gflops;
  const gemmBefore = await gemmRate();
  console.log(
    `Training: ${shapeName()} shape (${JSON.stringify(SHAPES[shapeName()])}), seq ${arg('seq', '256')}, LoRA r ${RANK} on all linears, AdamW, ${arg('steps', '3')} timed steps after one warm-up`,
  );
  const rows: string[] = [];
  const results: Result[] = [];
  for (const setup of setups) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', setup, ...passThrough], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{')) {
      console.log(`${setup}: failed\n${run.stderr}`);
      continue;
    }
    results.push(JSON.parse(line) as Result);
  }
  // The GEMM rate is measured before and after the setups (the machine is shared and noisy);
  // the ratio uses the higher of the two.
  const gemm = Math.max(gemmBefore, await gemmRate());
  console.log(`fp32 GEMM 1024³ in this run: ${gemmBefore.toFixed(0)} GFLOP/s before the setups, ${gemm.toFixed(0)} best (${threads || 'all'} threads)`);
  console.log('setup (method:batch)  tokens/s  step ms  fwd ms  head ms  bwd ms  optim ms  activations  GFLOP/s  % of GEMM  peak RSS MiB  load s');
  for (const r of results) {
    const cols = [
      r.setup.padEnd(20),
      r.tokensPerSecond.toFixed(0).padStart(8),
      r.stepMs.toFixed(0).padStart(7),
      r.forwardMs.toFixed(0).padStart(6),
      r.headMs.toFixed(0).padStart(7),
      r.backwardMs.toFixed(0).padStart(6),
      r.optimizerMs.toFixed(0).padStart(8),
      (r.savedActivations ? 'saved' : 'recomputed').padStart(11),
      r.gflops.toFixed(0).padStart(7),
      ((100 * r.gflops) / gemm).toFixed(0).padStart(9),
      r.peakRssMiB.toFixed(0).padStart(12),
      r.loadS.toFixed(1).padStart(6),
    ];
    rows.push(cols.join('  '));
  }
  for (const row of rows) console.log(row);
}
