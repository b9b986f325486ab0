/**
 * Kernel trial (not mainline): MatMulNBits int8/int4 speed by block size on the decoder's real
 * shapes, over distinct weights (out of cache), at M = 1 and M = 128.
 *   node --import tsx packages/engine/lab/lab-block.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr, makeTensor } from '../src/onnx/model.js';
import { quantizeNBits } from '../src/model/linear.js';
import { createSession, loadOrt } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const ort = await loadOrt();
const rng = seededRng(1);
for (const [label, N, K] of [
  ['gate_up', 3072, 576],
  ['down', 576, 1536],
] as const) {
  const L = 30;
  const ws = Array.from({ length: L }, () => randomUniform(N * K, rng, -0.05, 0.05));
  for (const bits of [8, 4] as const) {
    for (const block of [32, 64, 128]) {
      const g = new GraphBuilder('b');
      const x = g.input('x', 'float32', ['M', K]);
      const outs = ws.map((w, i) => {
        const q = quantizeNBits(w, N, K, bits, block);
        const d = g.initializer(`q${i}`, makeTensor('uint8', [N, Math.ceil(K / block), (block * bits) / 8], q.data));
        const s = g.initializer(`s${i}`, makeTensor('float32', [N, Math.ceil(K / block)], q.scales));
        return g.op(
          'MatMulNBits',
          [x, d, s],
          { K: attr.int(K), N: attr.int(N), bits: attr.int(bits), block_size: attr.int(block), accuracy_level: attr.int(4) },
          { domain: 'com.microsoft' },
        );
      });
      let acc = outs[0]!;
      for (const o of outs.slice(1)) acc = g.op('Add', [acc, o]);
      g.output(g.op('Identity', [acc], {}, { output: 'y' }), 'float32', ['M', N]);
      const session = await createSession(g.toModelBytes());
      const row: string[] = [];
      for (const M of [1, 128]) {
        const feeds = { x: new ort.Tensor('float32', randomUniform(M * K, rng), [M, K]) };
        for (let i = 0; i < 2; i++) await session.run(feeds);
        const reps = M === 1 ? 30 : 5;
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) await session.run(feeds);
        const ms = (performance.now() - t0) / reps;
        row.push(`M=${M}: ${((ms / L) * 1000).toFixed(0)} us/matmul ${((2 * M * N * K * L) / ms / 1e6).toFixed(0)} GF/s`);
      }
      console.log(`${label} int${bits} block ${block}: ${row.join(', ')}`);
      await session.release();
    }
  }
}
