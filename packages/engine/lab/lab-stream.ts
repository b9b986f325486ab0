/**
 * Kernel trial (not mainline): M = 1 matmuls over many DISTINCT weights in one graph (as a
 * decode step reads them: out of cache), per kernel: effective GB/s of weight streamed.
 *   node --import tsx packages/engine/lab/lab-stream.ts [M]
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr, makeTensor } from '../src/onnx/model.js';
import { quantizeNBits } from '../src/model/linear.js';
import { createSession, loadOrt } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const ort = await loadOrt();
const M = Number(process.argv[2] ?? 1);
const [N, K, L] = [1536, 576, M === 1 ? 60 : 20];
const rng = seededRng(1);
const ws = Array.from({ length: L }, () => randomUniform(N * K, rng, -0.05, 0.05));
for (const kind of ['matmul', 'gemmT', 'int8', 'int4'] as const) {
  for (const threads of [1, 2]) {
    const g = new GraphBuilder(kind);
    const x = g.input('x', 'float32', [M, K]);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { x: new ort.Tensor('float32', randomUniform(M * K, rng), [M, K]) };
    let bytes = 0;
    const outs: string[] = [];
    ws.forEach((w, i) => {
      if (kind === 'matmul' || kind === 'gemmT') {
        let data = w;
        if (kind === 'matmul') {
          data = new Float32Array(K * N);
          for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) data[k * N + n] = w[n * K + k]!;
        }
        const name = g.input(`w${i}`, 'float32', kind === 'matmul' ? [K, N] : [N, K]);
        feeds[name] = new ort.Tensor('float32', data, kind === 'matmul' ? [K, N] : [N, K]);
        outs.push(kind === 'matmul' ? g.op('MatMul', [x, name]) : g.op('Gemm', [x, name], { transB: attr.int(1) }));
        bytes += data.byteLength;
      } else {
        const bits = kind === 'int8' ? 8 : 4;
        const q = quantizeNBits(w, N, K, bits);
        const d = g.initializer(`q${i}`, makeTensor('uint8', [N, K / 32, (32 * bits) / 8], q.data));
        const s = g.initializer(`s${i}`, makeTensor('float32', [N, K / 32], q.scales));
        outs.push(
          g.op(
            'MatMulNBits',
            [x, d, s],
            { K: attr.int(K), N: attr.int(N), bits: attr.int(bits), block_size: attr.int(32), accuracy_level: attr.int(4) },
            { domain: 'com.microsoft' },
          ),
        );
        bytes += q.data.byteLength + q.scales.byteLength;
      }
    });
    // chain the outputs with a sum so nothing is pruned
    let acc = outs[0]!;
    for (const o of outs.slice(1)) acc = g.op('Add', [acc, o]);
    g.output(g.op('Identity', [acc], {}, { output: 'y' }), 'float32', [M, N]);
    const session = await createSession(g.toModelBytes(), { intraOpNumThreads: threads });
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const reps = 20;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await session.run(feeds);
    const ms = (performance.now() - t0) / reps;
    console.log(
      `${kind.padEnd(7)} threads ${threads}: ${ms.toFixed(2)} ms for ${L} weights (${(bytes / 1e6).toFixed(0)} MB) = ${(bytes / ms / 1e6).toFixed(1)} GB/s, ${((ms / L) * 1000).toFixed(0)} us/matmul, ${((2 * M * N * K * L) / ms / 1e6).toFixed(0)} GFLOP/s`,
    );
    await session.release();
  }
}
