import { describe, expect, it } from 'vitest';
import {
  DYNAMIC_MAP,
  DYNAMIC_MAP_MAX_HALF_GAP,
  NF4_DQ_FORMAT,
  createDynamicMap,
  dequantizeAbsmax,
  dequantizeBlockwise8bit,
  dequantizeNf4,
  dequantizeNf4Dq,
  doubleQuantizeNf4,
  dqAbsmaxErrorBudget,
  dynamicCode,
  nf4ErrorBounds,
  nf4MemoryReport,
  quantizeAbsmax,
  quantizeBlockwise8bit,
  quantizeNf4,
  quantizeNf4Dq,
  undoubleNf4,
} from '../src/quant/index.js';
import { seededRng } from '../src/util/random.js';

/** FNV-1a over bytes: a fingerprint of a whole table. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

const mid = (a: number, b: number) => Math.fround(Math.fround(a + b) * 0.5);
const map = (i: number) => DYNAMIC_MAP[i] as number;

describe('signed dynamic map (bnb create_dynamic_map(signed=True))', () => {
  it('is the 256-value table torch builds (fingerprint of torch 2.11 on CPU and CUDA)', () => {
    expect(DYNAMIC_MAP.length).toBe(256);
    // Read on a CUDA machine: torch's table, CPU (AVX512) and CUDA alike, hashed byte for byte.
    expect(fnv1a(new Uint8Array(DYNAMIC_MAP.buffer, DYNAMIC_MAP.byteOffset, DYNAMIC_MAP.byteLength)).toString(16)).toBe('6b337d44');
    expect([0, 18, 20, 63, 126, 127, 128, 191, 254, 255].map(map)).toEqual([
      -0.992968738079071, -0.7398437261581421, -0.7117187976837158, -0.10703125596046448, -5.500000384017767e-7, 0, 5.500000384017767e-7, 0.10703125596046448,
      0.992968738079071, 1,
    ]);
    expect(Array.from(createDynamicMap())).toEqual(Array.from(DYNAMIC_MAP));
  });

  it('is ascending and symmetric around the 0 at index 127', () => {
    for (let i = 1; i < 256; i++) expect(map(i)).toBeGreaterThan(map(i - 1));
    for (let i = 0; i < 127; i++) expect(map(i)).toBe(-map(254 - i));
  });
});

describe('8-bit search (bnb dQuantize<0>)', () => {
  it('sends every map value to itself and the ends and NaN where the kernel does', () => {
    for (let i = 0; i < 256; i++) expect(dynamicCode(DYNAMIC_MAP, map(i))).toBe(i);
    expect([dynamicCode(DYNAMIC_MAP, -1), dynamicCode(DYNAMIC_MAP, 1), dynamicCode(DYNAMIC_MAP, NaN)]).toEqual([0, 255, 0]);
  });

  it('breaks a tie on a float32 midpoint towards the EVEN index', () => {
    expect(dynamicCode(DYNAMIC_MAP, mid(map(200), map(201)))).toBe(200);
    expect(dynamicCode(DYNAMIC_MAP, mid(map(201), map(202)))).toBe(202);
    expect(dynamicCode(DYNAMIC_MAP, mid(map(0), map(1)))).toBe(0);
    expect(dynamicCode(DYNAMIC_MAP, mid(map(253), map(254)))).toBe(254);
    // one float32 past the midpoint, the other neighbour wins
    const justAbove = Math.fround(mid(map(200), map(201)) * (1 + 2 ** -23));
    expect(dynamicCode(DYNAMIC_MAP, justAbove)).toBe(201);
  });

  it('picks a nearest map value for random inputs', () => {
    const rng = seededRng(5);
    const notNearest: number[] = [];
    for (let n = 0; n < 20000; n++) {
      const x = Math.fround((rng() * 2 - 1) * 10 ** -Math.floor(rng() * 7));
      const c = dynamicCode(DYNAMIC_MAP, x);
      const err = Math.abs(x - map(c));
      const slack = 1 + 1e-6; // float32 midpoints vs exact distances
      if ((c > 0 && err > Math.abs(x - map(c - 1)) * slack) || (c < 255 && err > Math.abs(x - map(c + 1)) * slack)) notNearest.push(x);
    }
    expect(notNearest).toEqual([]);
  });

  it('quantizes in blocks with one absmax each and round-trips within half the widest gap', () => {
    const values = Float32Array.of(0.5, -0.25, 0.125, 0, /* block 2 */ 0, 0, /* block 3 */ -3);
    const q = quantizeBlockwise8bit(values, DYNAMIC_MAP, 2);
    expect(Array.from(q.absmax)).toEqual([0.5, 0.125, 0, 3]);
    // 1 → 255; −0.5 → the map holds −0.500781… and −0.486718… : nearest is index 35
    expect(Array.from(q.codes)).toEqual([255, 35, 255, 127, 0, 0, 0]);
    const back = dequantizeBlockwise8bit(q, DYNAMIC_MAP);
    expect(Array.from(back)).toEqual([0.5, Math.fround(map(35) * 0.5), 0.125, 0, -0, -0, Math.fround(map(0) * 3)]);
    expect(DYNAMIC_MAP_MAX_HALF_GAP).toBeCloseTo(0.9 / 64 / 2, 6);
  });
});

describe('double quantization of the NF4 absmax', () => {
  it('centres on the mean and quantizes in blocks of 256 (hand-computed codes)', () => {
    // mean 1.0625; centred −0.5625, 0.4375, −0.0625, 0.1875; absmax2 = 0.5625, r = 1/0.5625
    // scaled −1, 0.77778, −0.11111, 0.33333 → indices 0, 239 (0.78203 beats 0.76797: midpoint 0.775),
    // 63 (−0.10703 beats −0.12109), 207 (0.33203, the 17th value of the top decade)
    const q = quantizeAbsmax(Float32Array.of(0.5, 1.5, 1.0, 1.25));
    expect(q.offset).toBe(1.0625);
    expect(Array.from(q.absmax2)).toEqual([0.5625]);
    expect(Array.from(q.codes)).toEqual([0, 239, 63, 207]);
    expect(q.blockSize).toBe(256);
    expect(Array.from(dequantizeAbsmax(q))).toEqual([0.503955066204071, 1.5023925304412842, 1.002294898033142, 1.249267578125]);
  });

  it('gives each block of 256 its own scale and keeps a zero block at code 0', () => {
    // 256 values alternating 1 and 3, then a 2: mean exactly 2, centred ±1 then 0.
    const absmax = Float32Array.from({ length: 257 }, (_, i) => (i === 256 ? 2 : i % 2 === 0 ? 1 : 3));
    const q = quantizeAbsmax(absmax);
    expect(q.offset).toBe(2);
    expect(Array.from(q.absmax2)).toEqual([1, 0]);
    expect([q.codes[0], q.codes[1], q.codes[254], q.codes[255], q.codes[256]]).toEqual([0, 255, 0, 255, 0]);
    const back = dequantizeAbsmax(q);
    // 2 + (−0.99296874) rounded to float32; 2 + 1; the zero block gives −0 · 0 + 2
    expect([back[0], back[1], back[256]]).toEqual([1.0070312023162842, 3, 2]);
  });

  it('stays within the named absmax budget on the absmax of real-looking weights', () => {
    const rng = seededRng(9);
    const w = Float32Array.from({ length: 64 * 1000 + 17 }, () => (rng() - 0.5) * 0.04 * (1 + 3 * rng()));
    const t = quantizeNf4(w);
    const dq = doubleQuantizeNf4(t);
    const back = dequantizeAbsmax(dq.absmax);
    expect(dq.absmax.absmax2.length).toBe(Math.ceil(t.absmax.length / NF4_DQ_FORMAT.blockSize));
    let worst = 0;
    for (let b = 0; b < t.absmax.length; b++) {
      const err = Math.abs((t.absmax[b] as number) - (back[b] as number));
      worst = Math.max(worst, err / dqAbsmaxErrorBudget(dq.absmax.absmax2[Math.floor(b / 256)] as number, back[b] as number));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(worst).toBeGreaterThan(0.5);
  });

  it('round-trips NF4 + DQ within the combined per-block bound, close to plain NF4', () => {
    const rng = seededRng(13);
    const x = Float32Array.from({ length: 64 * 4096 + 5 }, () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
    const plain = quantizeNf4(x);
    const dq = quantizeNf4Dq(x);
    expect(Buffer.from(dq.packed).equals(Buffer.from(plain.packed))).toBe(true); // codes use the true absmax
    const out = dequantizeNf4Dq(dq);
    expect(Buffer.from(out.buffer).equals(Buffer.from(dequantizeNf4(undoubleNf4(dq)).buffer))).toBe(true);
    const bounds = nf4ErrorBounds(dq);
    const plainOut = dequantizeNf4(plain);
    let worst = 0;
    let meanDq = 0;
    let meanPlain = 0;
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs((x[i] as number) - (out[i] as number));
      worst = Math.max(worst, err / (bounds[Math.floor(i / 64)] as number));
      meanDq += err;
      meanPlain += Math.abs((x[i] as number) - (plainOut[i] as number));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(meanDq / meanPlain).toBeLessThan(1.01); // bnb's test_4bit_compressed_stats: DQ costs little
  });
});

describe('nf4MemoryReport', () => {
  it('gives 4.5 bits per weight for NF4 and 4 + 8/64 + 32/(64·256) with double quantization', () => {
    const n = 64 * 256 * 1000;
    const plain = nf4MemoryReport(n);
    expect(plain).toMatchObject({ codeBytes: n / 2, scaleBytes: (n / 64) * 4, bitsPerParam: 4.5, nominalBitsPerParam: 4.5 });
    const dq = nf4MemoryReport(n, { doubleQuant: true });
    expect(dq.nominalBitsPerParam).toBe(4.126953125);
    expect(dq.scaleBytes).toBe(n / 64 + (n / 64 / 256) * 4 + 4);
    expect(dq.bitsPerParam).toBeCloseTo(4.126953125 + 32 / n, 12);
    expect(dq.totalBytes).toBe(dq.codeBytes + dq.scaleBytes);
  });

  it('counts partial blocks and other block sizes', () => {
    expect(nf4MemoryReport(65)).toMatchObject({ codeBytes: 33, scaleBytes: 8, totalBytes: 41 });
    expect(nf4MemoryReport(65, { doubleQuant: true })).toMatchObject({ codeBytes: 33, scaleBytes: 2 + 4 + 4, totalBytes: 43 });
    expect(nf4MemoryReport(128 * 10, { blockSize: 128 }).nominalBitsPerParam).toBe(4.25);
    expect(nf4MemoryReport(0).bitsPerParam).toBe(0);
  });
});
