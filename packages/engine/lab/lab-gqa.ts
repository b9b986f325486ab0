/**
 * Kernel trial (not mainline): does com.microsoft GroupQueryAttention on the CPU build match the
 * reference attention (rotary, GQA, causal mask, past offset) at our head sizes? Do zero-rank
 * MatMuls work (LoRA with no adapter)? Can outputs be pre-allocated?
 *
 *   node --import tsx packages/engine/lab/lab-gqa.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr } from '../src/onnx/model.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { causalAttentionForward, ropeForward } from '../src/reference/decoder-ops.js';
import { ropeInvFreq, ropeTables } from '../src/model/rope.js';
import { createSession, loadOrt } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const ort = await loadOrt();

async function gqaCase(H: number, Hkv: number, D: number, past: number, T: number): Promise<void> {
  const maxPos = 64;
  const g = new GraphBuilder('gqa');
  const q = g.input('q', 'float32', [1, 'T', H * D]);
  const k = g.input('k', 'float32', [1, 'T', Hkv * D]);
  const v = g.input('v', 'float32', [1, 'T', Hkv * D]);
  const pk = g.input('past_k', 'float32', [1, Hkv, 'P', D]);
  const pv = g.input('past_v', 'float32', [1, Hkv, 'P', D]);
  const seqlens = g.input('seqlens_k', 'int32', [1]);
  const total = g.input('total', 'int32', []);
  const cos = g.input('cos', 'float32', [maxPos, D / 2]);
  const sin = g.input('sin', 'float32', [maxPos, D / 2]);
  const [out, presentK, presentV] = g.node(
    'GroupQueryAttention',
    [q, k, v, pk, pv, seqlens, total, cos, sin],
    { num_heads: attr.int(H), kv_num_heads: attr.int(Hkv), do_rotary: attr.int(1) },
    { domain: 'com.microsoft', outputs: ['out', 'present_k', 'present_v'] },
  );
  g.output(out!, 'float32', [1, 'T', H * D]);
  g.output(presentK!, 'float32', [1, Hkv, 'S', D]);
  g.output(presentV!, 'float32', [1, Hkv, 'S', D]);
  const session = await createSession(g.toModelBytes(), { intraOpNumThreads: 1 });
  const rng = seededRng(past * 100 + T + D);
  const S = past + T;
  // keys/values (S, Hkv, D) in reference layout; rotated already for the past part
  const qNew = randomUniform(T * H * D, rng);
  const kAll = randomUniform(S * Hkv * D, rng);
  const vAll = randomUniform(S * Hkv * D, rng);
  const tables = ropeTables(ropeInvFreq(D, { theta: 10000, scaling: { type: 'none' } }), 0, maxPos);
  const slice = (a: Float32Array, from: number, n: number): Float32Array => a.slice(from * (D / 2), (from + n) * (D / 2));
  const kRot = ropeForward(kAll, slice(tables.cos, 0, S), slice(tables.sin, 0, S), Hkv, D);
  const qRot = ropeForward(qNew, slice(tables.cos, past, T), slice(tables.sin, past, T), H, D);
  const want = causalAttentionForward(qRot, kRot, vAll, H, Hkv, D);
  // BNSH past from the rotated past keys
  const bnsh = (a: Float32Array, n: number): Float32Array => {
    const o = new Float32Array(Hkv * n * D);
    for (let s = 0; s < n; s++) for (let h = 0; h < Hkv; h++) for (let d = 0; d < D; d++) o[(h * n + s) * D + d] = a[(s * Hkv + h) * D + d]!;
    return o;
  };
  const feeds = {
    q: new ort.Tensor('float32', qNew, [1, T, H * D]),
    k: new ort.Tensor('float32', kAll.slice(past * Hkv * D), [1, T, Hkv * D]),
    v: new ort.Tensor('float32', vAll.slice(past * Hkv * D), [1, T, Hkv * D]),
    past_k: new ort.Tensor('float32', bnsh(kRot, past), [1, Hkv, past, D]),
    past_v: new ort.Tensor('float32', bnsh(vAll, past), [1, Hkv, past, D]),
    seqlens_k: new ort.Tensor('int32', new Int32Array([S - 1]), [1]),
    total: new ort.Tensor('int32', new Int32Array([S]), []),
    cos: new ort.Tensor('float32', tables.cos, [maxPos, D / 2]),
    sin: new ort.Tensor('float32', tables.sin, [maxPos, D / 2]),
  };
  try {
    const res = await session.run(feeds);
    const err = maxRelativeError(res['out']!.data as Float32Array, want, 1).maxError;
    const kErr = maxRelativeError(res['present_k']!.data as Float32Array, bnsh(kRot, S), 1).maxError;
    console.log(
      `GQA H=${H} Hkv=${Hkv} D=${D} past=${past} T=${T}: out err ${err.toExponential(2)}, present_k err ${kErr.toExponential(2)} dims ${res['present_k']!.dims}`,
    );
  } catch (e) {
    console.log(`GQA H=${H} Hkv=${Hkv} D=${D} past=${past} T=${T}: FAILED ${(e as Error).message.slice(0, 300)}`);
  }
  await session.release();
}

for (const [H, Hkv, D] of [
  [8, 4, 8],
  [4, 2, 16],
  [9, 3, 64],
  [4, 4, 32],
] as const) {
  for (const [past, T] of [
    [0, 5],
    [5, 1],
    [5, 3],
    [0, 1],
  ] as const)
    await gqaCase(H, Hkv, D, past, T);
}

// Zero-rank MatMul: (1, T, K)·(K, 0)·(0, N) → zeros?
{
  const g = new GraphBuilder('zero_rank');
  const x = g.input('x', 'float32', [1, 'T', 4]);
  const a = g.input('a', 'float32', [4, 'R']);
  const b = g.input('b', 'float32', ['R', 3]);
  const y = g.op('MatMul', [g.op('MatMul', [x, a]), b], {}, { output: 'y' });
  g.output(y, 'float32', [1, 'T', 3]);
  const s = await createSession(g.toModelBytes());
  try {
    const r = await s.run({
      x: new ort.Tensor('float32', new Float32Array(8).fill(1), [1, 2, 4]),
      a: new ort.Tensor('float32', new Float32Array(0), [4, 0]),
      b: new ort.Tensor('float32', new Float32Array(0), [0, 3]),
    });
    console.log('zero rank:', r['y']!.dims, Array.from(r['y']!.data as Float32Array));
  } catch (e) {
    console.log('zero rank FAILED', (e as Error).message);
  }
}

// Pre-allocated output
{
  const g = new GraphBuilder('prealloc');
  const x = g.input('x', 'float32', [3]);
  const y = g.op('Mul', [x, x], {}, { output: 'y' });
  g.output(y, 'float32', [3]);
  const s = await createSession(g.toModelBytes());
  const target = new Float32Array(3);
  try {
    const r = await s.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3]), [3]) }, { y: new ort.Tensor('float32', target, [3]) });
    console.log('prealloc: target', Array.from(target), 'same buffer', (r['y']!.data as Float32Array).buffer === target.buffer);
  } catch (e) {
    console.log('prealloc FAILED', (e as Error).message);
  }
}
