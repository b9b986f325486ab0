/**
 * Kernel trial (not mainline): how fast are the candidate linear kernels at decode (M = 1) and
 * prefill (M = 128) shapes, with the weight as a graph input (shared sessions) or as an
 * initializer (constant, so ONNX Runtime may prepack it)?
 *
 *   node --import tsx packages/engine/lab/lab-matmul.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr, makeTensor, type ElemType } from '../src/onnx/model.js';
import { createSession, loadOrt } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';

type Kind = 'fp32' | 'gemmT' | 'fusedT' | 'bnb4' | 'nbits4' | 'nbits8';
interface Operand {
  name: string;
  type: ElemType;
  dims: number[];
  data: Float32Array | Uint8Array;
}

function operands(kind: Kind, N: number, K: number, w: Float32Array, block: number): Operand[] {
  if (kind === 'fp32') {
    // stored [K, N] so MatMul needs no transpose
    const t = new Float32Array(K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[k * N + n] = w[n * K + k]!;
    return [{ name: 'W', type: 'float32', dims: [K, N], data: t }];
  }
  if (kind === 'gemmT' || kind === 'fusedT') return [{ name: 'W', type: 'float32', dims: [N, K], data: w }];
  if (kind === 'bnb4') {
    const packed = new Uint8Array((N * K) / 2);
    for (let i = 0; i < packed.length; i++) packed[i] = (i * 37) & 0xff;
    return [
      { name: 'W', type: 'uint8', dims: [packed.length], data: packed },
      { name: 'absmax', type: 'float32', dims: [(N * K) / block], data: randomUniform((N * K) / block, seededRng(2), 0.01, 0.1) },
    ];
  }
  const bits = kind === 'nbits4' ? 4 : 8;
  const blocks = K / block;
  const bytes = new Uint8Array(N * blocks * ((block * bits) / 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) & 0xff;
  return [
    { name: 'W', type: 'uint8', dims: [N, blocks, (block * bits) / 8], data: bytes },
    { name: 'scales', type: 'float32', dims: [N, blocks], data: randomUniform(N * blocks, seededRng(3), 0.001, 0.01) },
  ];
}

function model(kind: Kind, N: number, K: number, ops: Operand[], constant: boolean, block: number, accuracy: number): Uint8Array {
  const g = new GraphBuilder(kind);
  const x = g.input('x', 'float32', ['M', K]);
  const names = ops.map((o) => (constant ? g.initializer(o.name, makeTensor(o.type, o.dims, o.data as never)) : g.input(o.name, o.type, o.dims)));
  let y: string;
  if (kind === 'fp32') y = g.op('MatMul', [x, ...names], {}, { output: 'y' });
  else if (kind === 'gemmT') y = g.op('Gemm', [x, ...names], { transB: attr.int(1) }, { output: 'y' });
  else if (kind === 'fusedT') y = g.op('FusedMatMul', [x, ...names], { transB: attr.int(1) }, { domain: 'com.microsoft', output: 'y' });
  else if (kind === 'bnb4') {
    y = g.op(
      'MatMulBnb4',
      [x, ...names],
      { K: attr.int(K), N: attr.int(N), block_size: attr.int(block), quant_type: attr.int(1) },
      { domain: 'com.microsoft', output: 'y' },
    );
  } else {
    const bits = kind === 'nbits4' ? 4 : 8;
    y = g.op(
      'MatMulNBits',
      [x, ...names],
      { K: attr.int(K), N: attr.int(N), bits: attr.int(bits), block_size: attr.int(block), accuracy_level: attr.int(accuracy) },
      { domain: 'com.microsoft', output: 'y' },
    );
  }
  g.output(y, 'float32', ['M', N]);
  return g.toModelBytes();
}

async function time(kind: Kind, N: number, K: number, M: number, constant: boolean, block = 64, accuracy = 0): Promise<number> {
  const ort = await loadOrt();
  const w = randomUniform(N * K, seededRng(1), -0.05, 0.05);
  const ops = operands(kind, N, K, w, block);
  const session = await createSession(model(kind, N, K, ops, constant, block, accuracy), { intraOpNumThreads: 2 });
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { x: new ort.Tensor('float32', randomUniform(M * K, seededRng(4)), [M, K]) };
  if (!constant) for (const o of ops) feeds[o.name] = new ort.Tensor(o.type as 'float32', o.data as Float32Array, o.dims);
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const reps = M === 1 ? 200 : 20;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await session.run(feeds);
  const ms = (performance.now() - t0) / reps;
  await session.release();
  return ms;
}

const only = process.argv[2];
if (only === 'fp32') {
  for (const [label, N, K] of [
    ['up 1536x576', 1536, 576],
    ['down 576x1536', 576, 1536],
    ['lm_head 49152x576', 49152, 576],
  ] as const) {
    for (const M of [1, 128]) {
      const row: string[] = [];
      const gflop = (ms: number): string => `${ms.toFixed(3)}ms ${((2 * M * N * K) / ms / 1e6).toFixed(1)}GF`;
      for (const constant of [false, true]) {
        for (const kind of ['fp32', 'gemmT', 'fusedT'] as const)
          row.push(`${kind}/${constant ? 'const' : 'input'} ${gflop(await time(kind, N, K, M, constant))}`);
      }
      console.log(`${label} M=${M}\n  ${row.join('\n  ')}`);
    }
  }
  process.exit(0);
}
const shapes: [string, number, number][] = [
  ['up 1536x576', 1536, 576],
  ['down 576x1536', 576, 1536],
  ['lm_head 49152x576', 49152, 576],
];
for (const [label, N, K] of shapes) {
  for (const M of [1, 128]) {
    const row: string[] = [];
    const gflop = (ms: number): string => `${ms.toFixed(3)}ms ${((2 * M * N * K) / ms / 1e6).toFixed(1)}GF`;
    for (const constant of [false, true]) {
      const tag = constant ? 'const' : 'input';
      row.push(`fp32/${tag} ${gflop(await time('fp32', N, K, M, constant))}`);
      row.push(`bnb4/${tag} ${gflop(await time('bnb4', N, K, M, constant))}`);
      for (const acc of [0, 4]) {
        row.push(`nb4a${acc}/${tag} ${gflop(await time('nbits4', N, K, M, constant, 32, acc))}`);
        row.push(`nb8a${acc}/${tag} ${gflop(await time('nbits8', N, K, M, constant, 32, acc))}`);
      }
    }
    console.log(`${label} M=${M}\n  ${row.join('\n  ')}`);
  }
}
