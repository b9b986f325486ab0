/**
 * Kernel trial (not mainline): the training block graphs on the SmolLM-135M block shape
 * (C 576, 9/3 heads, I 1536), LoRA r 16 on all seven linears: ms per forward / backward run
 * and ORT's time per op type.
 *
 *   node --import tsx packages/engine/lab/lab-train-profile.ts [fp32|nf4] [--T 256] [--B 1] [--saved]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantizeNf4 } from '../src/quant/index.js';
import { loadOrt } from '../src/runtime/session.js';
import { LAYER_LINEARS } from '../src/model/weight-names.js';
import {
  BLOCK_NAMES,
  blockInputs,
  buildBlockBackwardGraph,
  buildBlockForwardGraph,
  FROZEN_GROUPS,
  frozenGroupShape,
  savedInputs,
  type BlockGraphSpec,
} from '../src/train/block-graphs.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const format = (process.argv[2] ?? 'nf4') as 'fp32' | 'nf4';
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const T = Number(arg('T', '256'));
const B = Number(arg('B', '1'));
const saved = process.argv.includes('--saved');
const spec: BlockGraphSpec = {
  hiddenSize: 576,
  numHeads: 9,
  numKvHeads: 3,
  headDim: 64,
  intermediateSize: 1536,
  rmsNormEps: 1e-5,
  format,
  qkvBias: false,
  lora: LAYER_LINEARS,
  rank: 16,
};
const ort = await loadOrt();
const rng = seededRng(1);
const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
for (const input of blockInputs(spec)) {
  const dims = input.dims.map((d) => (d === 'T' ? T : d === 'B' ? B : d === 'N' ? B * T : (d as number)));
  const n = dims.reduce((a, b) => a * b, 1);
  if (input.type === 'int64') feeds[input.name] = new ort.Tensor('int64', new BigInt64Array(n), dims);
  else
    feeds[input.name] =
      input.type === 'uint8' ? new ort.Tensor('uint8', new Uint8Array(n), dims) : new ort.Tensor('float32', randomUniform(n, rng, -0.1, 0.1), dims);
}
for (const { name: group } of FROZEN_GROUPS) {
  if (format !== 'nf4') continue;
  const [N, K] = frozenGroupShape(spec, group);
  const t = quantizeNf4(randomUniform(N * K, rng, -0.05, 0.05), 64);
  feeds[BLOCK_NAMES.nf4(group)] = new ort.Tensor('uint8', t.packed, [t.packed.length]);
  feeds[BLOCK_NAMES.absmax(group)] = new ort.Tensor('float32', t.absmax, [t.absmax.length]);
}
const extra = Object.fromEntries(Object.entries(feeds).filter(([k]) => k !== BLOCK_NAMES.x));
let savedFeeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
for (const which of ['forward', 'backward'] as const) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-train-profile-'));
  const bytes = which === 'forward' ? buildBlockForwardGraph(spec, { saved }) : buildBlockBackwardGraph(spec, { saved });
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: path.join(dir, 'p'),
  });
  const f: Record<string, InstanceType<typeof ort.Tensor>> = { ...extra, [BLOCK_NAMES.x]: feeds[BLOCK_NAMES.x]!, ...(which === 'backward' ? savedFeeds : {}) };
  if (which === 'backward') f[BLOCK_NAMES.dy] = new ort.Tensor('float32', randomUniform(B * T * spec.hiddenSize, rng, -0.1, 0.1), [B * T, spec.hiddenSize]);
  for (let i = 0; i < 2; i++) {
    const out = await session.run(f);
    if (which === 'forward')
      savedFeeds = Object.fromEntries(
        savedInputs(spec)
          .map((s) => [s.name, out[s.name]!])
          .filter(([, t]) => t),
      );
  }
  const reps = 6;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await session.run(f);
  const ms = (performance.now() - t0) / reps;
  session.endProfiling();
  const file = path.join(dir, fs.readdirSync(dir)[0]!);
  const events = JSON.parse(fs.readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOp = new Map<string, number>();
  for (const e of events)
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time'))
      byOp.set(e.args?.op_name ?? '?', (byOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur / 1000 / (reps + 2));
  const top = [...byOp]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  console.log(`${format}${saved ? ' saved' : ''} ${which} B=${B} T=${T}: ${ms.toFixed(1)} ms/run; per op type (ms): ${top}`);
  await session.release();
}
