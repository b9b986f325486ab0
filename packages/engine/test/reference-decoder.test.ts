import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../src/io/config.js';
import { ModelWeights } from '../src/io/weights.js';
import { maxRelativeError } from '../src/reference/compare.js';
import { argmax, referenceForward, referenceGreedy } from '../src/reference/decoder.js';
import { causalAttentionForward, linearForward, rmsNormForward, ropeForward, softmaxForward } from '../src/reference/decoder-ops.js';
import { ropeInvFreq, ropeTables } from '../src/model/rope.js';
import { randomWeights, testModelConfig } from '../src/model/random-weights.js';
import { hasStories260K, skipWithoutShared, stories260K } from './shared-data.js';

// From ../shared/data/models/stories260K-hf/README.md.
const AFTER_BOS = [403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292];
const TOP5_AT_BOS: [number, number][] = [
  [403, 17.0235],
  [385, 15.4062],
  [410, 13.1083],
  [317, 12.7692],
  [407, 12.4181],
];
const TOP5_AFTER_PROMPT: [number, number][] = [
  [432, 17.7994],
  [383, 14.2813],
  [322, 9.7096],
  [353, 9.5873],
  [323, 9.1342],
];

function topK(row: Float32Array, k: number): [number, number][] {
  return [...row]
    .map((v, i): [number, number] => [i, v])
    .sort((a, b) => b[1] - a[1])
    .slice(0, k);
}

describe('reference ops', () => {
  it('rmsNormForward divides by the root mean square and scales', () => {
    const out = rmsNormForward(new Float32Array([3, 4]), new Float32Array([1, 2]), 0, 2);
    const rms = Math.sqrt(12.5);
    expect(out[0]).toBeCloseTo(3 / rms, 6);
    expect(out[1]).toBeCloseTo((2 * 4) / rms, 6);
  });

  it('linearForward uses [out, in] weights and adds the bias', () => {
    // W = [[1, 2], [3, 4], [5, 6]] maps 2 inputs to 3 outputs.
    const y = linearForward(new Float32Array([1, 1]), new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([0, 0, 1]), 2, 3);
    expect(Array.from(y)).toEqual([3, 7, 12]);
  });

  it('ropeForward rotates pairs (i, i + D/2) and leaves position 0 alone', () => {
    const x = new Float32Array([1, 2, 3, 4]); // one head, D = 4
    const at0 = ropeTables(new Float32Array([1, 0.5]), 0, 1);
    expect(Array.from(ropeForward(x, at0.cos, at0.sin, 1, 4))).toEqual([1, 2, 3, 4]);
    const quarter = { cos: new Float32Array([0, 1]), sin: new Float32Array([1, 0]) }; // pair 0 turned by 90°
    expect(Array.from(ropeForward(x, quarter.cos, quarter.sin, 1, 4))).toEqual([-3, 2, 1, 4]);
  });

  it('causalAttentionForward masks the future, honours the past offset and shares kv heads', () => {
    // H = 2 query heads share one kv head, D = 1. Keys all equal → uniform weights over visible values.
    const k = new Float32Array([1, 1, 1]);
    const v = new Float32Array([1, 2, 6]);
    const whole = causalAttentionForward(new Float32Array([0, 0, 0, 0, 0, 0]), k, v, 2, 1, 1);
    expect(Array.from(whole)).toEqual([1, 1, 1.5, 1.5, 3, 3]);
    // The last position alone, with 2 past positions, sees all three.
    expect(Array.from(causalAttentionForward(new Float32Array([0, 0]), k, v, 2, 1, 1))).toEqual([3, 3]);
  });

  it('softmaxForward rows sum to one', () => {
    const p = softmaxForward(new Float32Array([1, 2, 3, 1000, 1000, 0]), 3);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 6);
    expect(p[3]).toBeCloseTo(0.5, 6);
  });

  it('ropeInvFreq applies linear and llama3 scaling like transformers', () => {
    const theta = 500000;
    const plain = ropeInvFreq(128, { theta, scaling: { type: 'none' } });
    expect(plain[0]).toBe(1);
    expect(plain[1]).toBeCloseTo(1 / 500000 ** (2 / 128), 7);
    const linear = ropeInvFreq(128, { theta, scaling: { type: 'linear', factor: 4 } });
    expect(linear[5]).toBeCloseTo(plain[5]! / 4, 9);
    const llama3 = ropeInvFreq(128, {
      theta,
      scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
    });
    // Wavelength 2π/f: below 8192/4 = 2048 kept, above 8192 divided by 8, between interpolated.
    plain.forEach((f, i) => {
      const wavelen = (2 * Math.PI) / f;
      const got = llama3[i]!;
      if (wavelen < 2048) expect(got).toBe(f);
      else if (wavelen > 8192) expect(got).toBeCloseTo(f / 8, 12);
      else {
        const smooth = (8192 / wavelen - 1) / 3;
        expect(got).toBeCloseTo((1 - smooth) * (f / 8) + smooth * f, 9);
      }
    });
    expect(plain.some((f) => (2 * Math.PI) / f > 2048 && (2 * Math.PI) / f < 8192)).toBe(true); // the band is exercised
  });
});

describe('referenceForward', () => {
  it('gives the same logits for a prompt whole and fed one token at a time through the cache', () => {
    const config = testModelConfig({ architecture: 'qwen2', qkvBias: true });
    const weights = randomWeights(config, 7);
    const get = (name: string): Float32Array => weights.get(name)!;
    const ids = [1, 5, 9, 33, 2, 60];
    const whole = referenceForward(config, get, ids);
    let step = referenceForward(config, get, ids.slice(0, 2));
    for (const id of ids.slice(2)) step = referenceForward(config, get, [id], { pastKV: step.kv });
    const V = config.vocabSize;
    expect(maxRelativeError(step.logits, whole.logits.subarray(5 * V)).maxError).toBeLessThan(1e-5);
    expect(step.kv.length).toBe(ids.length);
  });
});

describe(`reference on the pretrained stories260K${skipWithoutShared}`, () => {
  const load = (): { config: ReturnType<typeof parseModelConfig>; get: (name: string) => Float32Array } => {
    const config = parseModelConfig(JSON.parse(fs.readFileSync(`${stories260K}/config.json`, 'utf8')));
    const weights = ModelWeights.open(stories260K);
    const cache = new Map<string, Float32Array>();
    const get = (name: string): Float32Array => {
      let w = cache.get(name);
      if (!w) cache.set(name, (w = weights.readFloat32(name)));
      return w;
    };
    return { config, get };
  };

  it.skipIf(!hasStories260K)('reproduces the README top-5 logits after BOS and after the prompt', () => {
    const { config, get } = load();
    const bos = referenceForward(config, get, [1]).logits;
    for (const [[id, value], [wantId, want]] of topK(bos, 5).map((got, i) => [got, TOP5_AT_BOS[i]!] as const)) {
      expect(id).toBe(wantId);
      expect(Math.abs(value - want)).toBeLessThan(1e-3);
    }
    const prompt = referenceForward(config, get, [1, 403, 407, 261, 378]).logits;
    const last = prompt.subarray(4 * config.vocabSize);
    topK(last, 5).forEach(([id, value], i) => {
      expect(id).toBe(TOP5_AFTER_PROMPT[i]![0]);
      expect(Math.abs(value - TOP5_AFTER_PROMPT[i]![1])).toBeLessThan(1e-3);
    });
    expect(argmax(bos)).toBe(403);
  });

  it.skipIf(!hasStories260K)('reproduces the README greedy ids after BOS', () => {
    const { config, get } = load();
    expect(referenceGreedy(config, get, [1], AFTER_BOS.length)).toEqual(AFTER_BOS);
  });
});
