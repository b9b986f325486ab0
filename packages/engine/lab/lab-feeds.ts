/**
 * Kernel trial (not mainline): what does one graph input cost per session.run, and one node?
 *   node --import tsx packages/engine/lab/lab-feeds.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { createSession, loadOrt } from '../src/runtime/session.js';

const ort = await loadOrt();
for (const threads of [1, 2]) {
  for (const [inputs, nodes] of [
    [1, 1],
    [300, 1],
    [1, 300],
    [1, 600],
  ] as const) {
    const g = new GraphBuilder('feeds');
    const names = Array.from({ length: inputs }, (_, i) => g.input(`in${i}`, 'float32', [4, 576]));
    let x = names[0]!;
    for (let i = 0; i < nodes; i++) x = g.op('Add', [x, names[i % inputs]!]);
    g.output(x, 'float32', [4, 576]);
    const session = await createSession(g.toModelBytes(), { intraOpNumThreads: threads });
    const data = new Float32Array(4 * 576);
    const feeds = Object.fromEntries(names.map((n) => [n, new ort.Tensor('float32', data, [4, 576])]));
    for (let i = 0; i < 20; i++) await session.run(feeds);
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await session.run(feeds);
    console.log(`threads ${threads}, ${inputs} inputs, ${nodes} Add nodes: ${((performance.now() - t0) / n).toFixed(3)} ms/run`);
    await session.release();
  }
}
