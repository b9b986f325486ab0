/**
 * Kernel trial (not mainline): ORT's own profile of the decoder graph on the SmolLM-135M shape,
 * time per op type for a prefill and for decode steps.
 *
 *   node --import tsx packages/engine/lab/lab-profile.ts [none|nf4|nf4-exact|nf4-int4] [--layers 30] [--prompt 128] [--lora R] [--threads N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attentionKindFor } from '../src/model/attention.js';
import { kernelsFor, OrtCausalLM, type LoadCausalLMOptions } from '../src/model/causal-lm.js';
import { buildDecoderGraph } from '../src/model/graph.js';
import { prepareDecoderWeights } from '../src/model/prepare.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { loadOrt } from '../src/runtime/session.js';
import { LAYER_LINEARS, linearModule, linearShape } from '../src/model/weight-names.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const mode = process.argv[2] ?? 'none';
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const options: LoadCausalLMOptions =
  mode === 'none'
    ? { quant: 'none' }
    : mode === 'nf4-exact'
      ? { quant: 'nf4', kernels: 'exact' }
      : mode === 'nf4-int4'
        ? { quant: 'nf4', kernels: { layers: 'int4', lmHead: 'int4' } }
        : { quant: 'nf4' };
const config = testModelConfig({
  hiddenSize: 576,
  numLayers: Number(arg('layers', '30')),
  numHeads: 9,
  numKvHeads: 3,
  intermediateSize: 1536,
  vocabSize: 49152,
  maxPositionEmbeddings: 2048,
  tieWordEmbeddings: true,
});
const weights = randomWeights(config, 1);
const get = (name: string): Float32Array => weights.get(name)!;
const ort = await loadOrt();
const loraRank = Number(arg('lora', '0'));
const prepared = prepareDecoderWeights(config, get, kernelsFor(options));
const built = buildDecoderGraph(config, prepared, { attention: attentionKindFor(config), lora: loraRank > 0 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-profile-'));
const session = await ort.InferenceSession.create(built.bytes, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  enableProfiling: true,
  profileFilePrefix: path.join(dir, 'p'),
  ...(arg('threads', '') ? { intraOpNumThreads: Number(arg('threads', '2')) } : {}),
});
const feeds = Object.fromEntries([...built.weightFeeds].map(([n, t]) => [n, new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims])]));
const base =
  loraRank > 0 ? await ort.InferenceSession.create(buildDecoderGraph(config, prepared, { attention: attentionKindFor(config), lora: false }).bytes) : session;
const model = new OrtCausalLM(config, ort, base, get('model.embed_tokens.weight'), feeds, attentionKindFor(config), () => Promise.resolve(session), {
  adapters: true,
  tree: false,
});
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
  model.loadAdapter('lab', { scaling: 2, modules });
  model.setActiveAdapter('lab');
}
const promptLength = Number(arg('prompt', '128'));
const prompt = Array.from({ length: promptLength }, (_, i) => (i * 7919 + 13) % config.vocabSize);
await model.forward(prompt); // cold run: first-call work (arena growth, kernel set-up)
model.resetCache();
await model.forward(prompt); // profiled as the prefill
const steps = 32;
const t0 = performance.now();
for (let i = 0; i < steps; i++) await model.forward([i + 5]);
const wall = (performance.now() - t0) / steps;
session.endProfiling();
const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.json')) ?? fs.readdirSync(dir)[0]!);
interface Event {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}
const events = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as Event[];
const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
console.log(`${mode}: decode wall ${wall.toFixed(2)} ms/token; ORT model_run durations (ms):`, runs.map((r) => (r.dur / 1000).toFixed(2)).join(' '));
const byOp = new Map<string, { prefill: number; decode: number; count: number }>();
for (const e of events) {
  if (e.cat === 'Session' && e.name === 'model_run') continue;
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const op = e.args?.op_name ?? '?';
  const entry = byOp.get(op) ?? { prefill: 0, decode: 0, count: 0 };
  byOp.set(op, entry);
  entry.count++;
  // Node events are ordered by run; attribute by timestamp position relative to runs.
  const ts = (e as unknown as { ts: number }).ts;
  const [cold, warm] = runs as unknown as { ts: number; dur: number }[];
  if (cold && ts < cold.ts + cold.dur) continue;
  if (warm && ts < warm.ts + warm.dur) entry.prefill += e.dur;
  else entry.decode += e.dur;
}
for (const phase of ['prefill', 'decode'] as const) {
  const byNode = new Map<string, number>();
  const [cold, warm] = runs as unknown as { ts: number; dur: number }[];
  for (const e of events) {
    const ts = (e as unknown as { ts: number }).ts;
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !cold || !warm || ts < warm.ts) continue;
    if ((phase === 'prefill') !== ts <= warm.ts + warm.dur) continue;
    const shape = e.name
      .replace(/^model\.layers\.\d+\./, '')
      .replace(/_kernel_time$/, '')
      .replace(/_\d+$/, '');
    byNode.set(`${e.args?.op_name}:${shape}`, (byNode.get(`${e.args?.op_name}:${shape}`) ?? 0) + e.dur / (phase === 'decode' ? steps : 1));
  }
  console.log(
    `${phase} ms by node (summed over layers${phase === 'decode' ? ', per token' : ''}):`,
    [...byNode]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([n, d]) => `${n} ${(d / 1000).toFixed(2)}`)
      .join(', '),
  );
}
const rows = [...byOp].sort((a, b) => b[1].decode - a[1].decode);
console.log('op                              prefill ms   decode ms/token   nodes/run');
for (const [op, t] of rows) {
  console.log(
    `${op.padEnd(32)} ${(t.prefill / 1000).toFixed(2).padStart(10)}   ${(t.decode / 1000 / steps).toFixed(3).padStart(15)}   ${(t.count / (steps + 2)).toFixed(0).padStart(9)}`,
  );
}
fs.rmSync(dir, { recursive: true });
