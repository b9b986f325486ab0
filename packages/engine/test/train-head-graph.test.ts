/**
 * The head training graphs (src/train/head-graph.ts) against the float64 reference: final
 * RMSNorm → lm_head → (soft-cap) → masked cross-entropy, the summed loss and
 * dh = d loss_sum / d h, with masked (−100) rows getting exactly zero gradient.
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../src/reference/compare.js';
import { linearBackward, linearForward } from '../src/reference/backward/linear.js';
import { crossEntropyBackward, crossEntropyForward } from '../src/reference/backward/loss.js';
import { rmsNormBackward, rmsNormForward, softcapBackward, softcapForward } from '../src/reference/backward/norm-mlp.js';
import { buildHeadBackwardGraph, buildHeadForwardGraph, HEAD_NAMES } from '../src/train/head-graph.js';
import { randomUniform, seededRng } from '../src/util/random.js';
import { runModel } from './helpers.js';

describe('head training graphs', () => {
  // Logits of these weights reach ~3: a cap of 2 bends them well into tanh.
  it.each([
    { name: 'no soft-cap', finalSoftcap: null },
    { name: 'final soft-cap 2', finalSoftcap: 2 },
  ])('loss, loss_sum, tokens and dh match the float64 reference; masked rows get no gradient ($name)', async ({ finalSoftcap }) => {
    const [T, C, V, eps] = [6, 16, 40, 1e-5];
    const rng = seededRng(5);
    const h = randomUniform(T * C, rng);
    const w = randomUniform(C, rng, 0.5, 1.5);
    const W = randomUniform(V * C, rng, -0.5, 0.5);
    const labels = [3, -100, 17, 39, -100, 0];
    const feeds = {
      [HEAD_NAMES.h]: { data: h, dims: [T, C] },
      [HEAD_NAMES.norm]: { data: w, dims: [C] },
      [HEAD_NAMES.lmHead]: { data: W, dims: [V, C] },
      [HEAD_NAMES.labels]: { data: BigInt64Array.from(labels.map(BigInt)), dims: [T] },
    };
    const spec = { hiddenSize: C, vocabSize: V, rmsNormEps: eps, finalSoftcap };
    const f64 = (a: Float32Array): Float64Array => Float64Array.from(a);
    const n = rmsNormForward(f64(h), f64(w), eps, C);
    const raw = linearForward(n, f64(W), undefined, C, V);
    const logits = finalSoftcap === null ? raw : softcapForward(raw, finalSoftcap);
    const tokens = labels.filter((l) => l !== -100).length;
    const loss = crossEntropyForward(logits, labels, V);
    let dlogits = crossEntropyBackward(logits, labels, V, tokens); // d loss_sum = tokens · d mean
    if (finalSoftcap !== null) dlogits = softcapBackward(dlogits, raw, finalSoftcap);
    const dh = rmsNormBackward(linearBackward(dlogits, n, f64(W), C, V).dx, f64(h), f64(w), eps, C).dx;

    for (const bytes of [buildHeadForwardGraph(spec), buildHeadBackwardGraph(spec)]) {
      const out = await runModel(bytes, feeds);
      expect(Number((out[HEAD_NAMES.tokens]!.data as Float32Array)[0])).toBe(tokens);
      expect(Math.abs(Number((out[HEAD_NAMES.loss]!.data as Float32Array)[0]) - loss) / loss).toBeLessThan(1e-5);
      expect(Math.abs(Number((out[HEAD_NAMES.lossSum]!.data as Float32Array)[0]) - loss * tokens) / (loss * tokens)).toBeLessThan(1e-5);
    }
    const out = await runModel(buildHeadBackwardGraph(spec), feeds);
    const got = out[HEAD_NAMES.dh]!.data as Float32Array;
    expect(maxRelativeError(got, dh, 1e-3).maxError).toBeLessThan(1e-4);
    for (const t of [1, 4]) expect(Array.from(got.subarray(t * C, (t + 1) * C)).every((v) => v === 0)).toBe(true);
    // The cap bites: the uncapped loss differs.
    if (finalSoftcap !== null) expect(Math.abs(crossEntropyForward(raw, labels, V) - loss)).toBeGreaterThan(1e-2);
  });
});
