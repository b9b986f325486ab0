/**
 * Kernel trial (not mainline): GroupQueryAttention with past and present sharing one
 * (1, Hkv, maxS, D) buffer, the present fetched into the same pre-allocated tensor as the past.
 *   node --import tsx packages/engine/lab/lab-gqa-share.ts
 */
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { attr } from '../src/onnx/model.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { causalAttentionForward, ropeForward } from '../src/reference/decoder-ops.js';
import { ropeInvFreq, ropeTables } from '../src/model/rope.js';
import { createSession, loadOrt } from '../src/runtime/session.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const ort = await loadOrt();
const M = Number(process.argv[2] ?? 32);
const [H, Hkv, D, maxPos] = [4, 2, 16, 64];
const g = new GraphBuilder('gqa_share');
const qkv = g.input('qkv', 'float32', [1, 'T', (H + 2 * Hkv) * D]);
const pk = g.input('past_k', 'float32', [1, Hkv, M, D]);
const pv = g.input('past_v', 'float32', [1, Hkv, M, D]);
const seqlens = g.input('seqlens_k', 'int32', [1]);
const total = g.input('total', 'int32', []);
const cos = g.input('cos', 'float32', [maxPos, D / 2]);
const sin = g.input('sin', 'float32', [maxPos, D / 2]);
const [out, presentK, presentV] = g.node(
  'GroupQueryAttention',
  [qkv, '', '', pk, pv, seqlens, total, cos, sin],
  { num_heads: attr.int(H), kv_num_heads: attr.int(Hkv), do_rotary: attr.int(1) },
  { domain: 'com.microsoft', outputs: ['out', 'present_k', 'present_v'] },
);
g.output(out!, 'float32', [1, 'T', H * D]);
g.output(presentK!, 'float32', [1, Hkv, M, D]);
g.output(presentV!, 'float32', [1, Hkv, M, D]);
const session = await createSession(g.toModelBytes(), { intraOpNumThreads: 1 });
const tables = ropeTables(ropeInvFreq(D, { theta: 10000, scaling: { type: 'none' } }), 0, maxPos);
const kBuf = new Float32Array(Hkv * M * D);
const vBuf = new Float32Array(Hkv * M * D);
const kT = new ort.Tensor('float32', kBuf, [1, Hkv, M, D]);
const vT = new ort.Tensor('float32', vBuf, [1, Hkv, M, D]);
const rng = seededRng(5);
const S_total = 12;
const qAll = randomUniform(S_total * H * D, rng),
  kAll = randomUniform(S_total * Hkv * D, rng),
  vAll = randomUniform(S_total * Hkv * D, rng);
const sl = (a: Float32Array, from: number, n: number, w: number): Float32Array => a.slice(from * w, (from + n) * w);
let pos = 0;
for (const T of [5, 1, 1, 3, 2]) {
  const qkvData = new Float32Array(T * (H + 2 * Hkv) * D);
  for (let t = 0; t < T; t++) {
    qkvData.set(sl(qAll, pos + t, 1, H * D), t * (H + 2 * Hkv) * D);
    qkvData.set(sl(kAll, pos + t, 1, Hkv * D), t * (H + 2 * Hkv) * D + H * D);
    qkvData.set(sl(vAll, pos + t, 1, Hkv * D), t * (H + 2 * Hkv) * D + (H + Hkv) * D);
  }
  const S = pos + T;
  try {
    const res = await session.run(
      {
        qkv: new ort.Tensor('float32', qkvData, [1, T, (H + 2 * Hkv) * D]),
        past_k: kT,
        past_v: vT,
        seqlens_k: new ort.Tensor('int32', Int32Array.of(S - 1), [1]),
        total: new ort.Tensor('int32', Int32Array.of(S), []),
        cos: new ort.Tensor('float32', tables.cos, [maxPos, D / 2]),
        sin: new ort.Tensor('float32', tables.sin, [maxPos, D / 2]),
      },
      { out: null as never, present_k: kT, present_v: vT } as never,
    );
    const kRot = ropeForward(sl(kAll, 0, S, Hkv * D), sl(tables.cos, 0, S, D / 2), sl(tables.sin, 0, S, D / 2), Hkv, D);
    const qRot = ropeForward(sl(qAll, pos, T, H * D), sl(tables.cos, pos, T, D / 2), sl(tables.sin, pos, T, D / 2), H, D);
    const want = causalAttentionForward(qRot, kRot, sl(vAll, 0, S, Hkv * D), H, Hkv, D);
    const kSeen = new Float32Array(S * Hkv * D);
    for (let s = 0; s < S; s++) for (let h = 0; h < Hkv; h++) for (let d = 0; d < D; d++) kSeen[(s * Hkv + h) * D + d] = kBuf[(h * M + s) * D + d]!;
    console.log(
      `T=${T} S=${S}: out err ${maxRelativeError(res['out']!.data as Float32Array, want).maxError.toExponential(2)}, k in shared buffer err ${maxRelativeError(kSeen, kRot).maxError.toExponential(2)}, present is same buffer: ${(res['present_k']!.data as Float32Array).buffer === kBuf.buffer}`,
    );
  } catch (e) {
    console.log(`T=${T}: FAILED ${(e as Error).message.slice(0, 300)}`);
  }
  pos = S;
}
{
  const t0 = performance.now();
  const n = 200;
  const qkvData = new Float32Array((H + 2 * Hkv) * D);
  for (let i = 0; i < n; i++) {
    await session.run(
      {
        qkv: new ort.Tensor('float32', qkvData, [1, 1, (H + 2 * Hkv) * D]),
        past_k: kT,
        past_v: vT,
        seqlens_k: new ort.Tensor('int32', Int32Array.of(12), [1]),
        total: new ort.Tensor('int32', Int32Array.of(13), []),
        cos: new ort.Tensor('float32', tables.cos, [maxPos, D / 2]),
        sin: new ort.Tensor('float32', tables.sin, [maxPos, D / 2]),
      },
      { out: null as never, present_k: kT, present_v: vT } as never,
    );
  }
  console.log(`M=${M}: ${((performance.now() - t0) / n).toFixed(3)} ms per decode step`);
}
