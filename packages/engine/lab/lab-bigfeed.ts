/**
 * Kernel trial (not mainline): does feeding a large input cost time proportional to its size?
 *   node --import tsx packages/engine/lab/lab-bigfeed.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { createSession, loadOrt } from '../src/runtime/session.js';

const ort = await loadOrt();
for (const mb of [1, 16, 128]) {
  const n = (mb * 1024 * 1024) / 4;
  const g = new GraphBuilder('big');
  const big = g.input('big', 'float32', [n]);
  const idx = g.input('idx', 'int64', [1]);
  g.output(g.op('Gather', [big, idx], {}, { output: 'y' }), 'float32', [1]);
  const session = await createSession(g.toModelBytes());
  const data = new Float32Array(n);
  const feeds = { big: new ort.Tensor('float32', data, [n]), idx: new ort.Tensor('int64', BigInt64Array.of(5n), [1]) };
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) await session.run(feeds);
  console.log(`${mb} MB input, same tensor object: ${((performance.now() - t0) / 50).toFixed(3)} ms/run`);
  const t1 = performance.now();
  for (let i = 0; i < 50; i++) await session.run({ big: new ort.Tensor('float32', data, [n]), idx: feeds.idx });
  console.log(`${mb} MB input, new tensor object each run: ${((performance.now() - t1) / 50).toFixed(3)} ms/run`);
  await session.release();
}
