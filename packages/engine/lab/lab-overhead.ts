/**
 * Kernel trial (not mainline): where does a decode step's time go outside ORT's kernels?
 * Times session.run on the decoder graph with/without LoRA inputs, and the feed building.
 *
 *   node --import tsx packages/engine/lab/lab-overhead.ts [--layers 30]
 */
import { attentionKindFor } from '../src/model/attention.js';
import { buildDecoderGraph, GRAPH_NAMES } from '../src/model/graph.js';
import { prepareDecoderWeights } from '../src/model/prepare.js';
import { packLora } from '../src/model/lora.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { ATTENTION_INPUTS } from '../src/model/attention.js';
import { ropeInvFreq, ropeTables } from '../src/model/rope.js';
import { createSession, loadOrt, type OrtTensor } from '../src/runtime/session.js';

const layersArg = process.argv.indexOf('--layers');
const config = testModelConfig({
  hiddenSize: 576,
  numLayers: layersArg > 0 ? Number(process.argv[layersArg + 1]) : 30,
  numHeads: 9,
  numKvHeads: 3,
  intermediateSize: 1536,
  vocabSize: 49152,
  maxPositionEmbeddings: 2048,
  tieWordEmbeddings: true,
});
const weights = randomWeights(config, 1);
const ort = await loadOrt();
const fp32 = process.argv.includes('--fp32');
const prepared = prepareDecoderWeights(config, (n) => weights.get(n)!, fp32 ? { layers: 'fp32', lmHead: 'fp32' } : { layers: 'int8', lmHead: 'int8' });
for (const lora of [false]) {
  const built = buildDecoderGraph(config, prepared, { attention: attentionKindFor(config), lora });
  const session = await createSession(built.bytes, {});
  const wf: Record<string, OrtTensor> = Object.fromEntries(
    [...built.weightFeeds].map(([n, t]) => [n, new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims])]),
  );
  const lf: Record<string, OrtTensor> = lora
    ? Object.fromEntries([...packLora(config, null)].map(([n, t]) => [n, new ort.Tensor('float32', t.data, t.dims)]))
    : {};
  const { cos, sin } = ropeTables(ropeInvFreq(config.headDim, config.rope), 0, 2048);
  const rope = { [ATTENTION_INPUTS.cos]: new ort.Tensor('float32', cos, [2048, 32]), [ATTENTION_INPUTS.sin]: new ort.Tensor('float32', sin, [2048, 32]) };
  let past: OrtTensor[] = Array.from({ length: 60 }, () => new ort.Tensor('float32', new Float32Array(0), [1, 3, 0, 64]));
  let S = 0;
  const step = async (T: number): Promise<{ build: number; run: number }> => {
    const b0 = performance.now();
    S += T;
    const feeds: Record<string, OrtTensor> = {
      ...wf,
      ...lf,
      ...rope,
      [ATTENTION_INPUTS.seqlensK]: new ort.Tensor('int32', Int32Array.of(S - 1), [1]),
      [ATTENTION_INPUTS.totalLength]: new ort.Tensor('int32', Int32Array.of(S), []),
      [GRAPH_NAMES.inputsEmbeds]: new ort.Tensor('float32', new Float32Array(T * 576).fill(0.1), [T, 576]),
      [GRAPH_NAMES.logitRows]: new ort.Tensor('int64', BigInt64Array.of(BigInt(T - 1)), [1]),
    };
    for (let l = 0; l < config.numLayers; l++) {
      feeds[GRAPH_NAMES.pastKey(l)] = past[2 * l]!;
      feeds[GRAPH_NAMES.pastValue(l)] = past[2 * l + 1]!;
    }
    const r0 = performance.now();
    const out = await session.run(feeds);
    const r1 = performance.now();
    past = Array.from({ length: config.numLayers }, (_, l) => [out[GRAPH_NAMES.presentKey(l)]!, out[GRAPH_NAMES.presentValue(l)]!]).flat();
    return { build: r0 - b0, run: r1 - r0 };
  };
  await step(128);
  let build = 0,
    run = 0;
  const n = 32;
  const w0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = await step(1);
    build += t.build;
    run += t.run;
  }
  const wall = performance.now() - w0;
  console.log(
    `lora inputs ${lora}: ${Object.keys(wf).length + Object.keys(lf).length + 65} inputs; per step: build ${(build / n).toFixed(2)} ms, run ${(run / n).toFixed(2)} ms, wall ${(wall / n).toFixed(2)} ms`,
  );
  await session.release();
}
