import { describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import {
  NF4_CODEBOOK,
  NF4_ERROR_BUDGET,
  NF4_MAX_HALF_GAP,
  NF4_THRESHOLDS,
  dequantizeNf4,
  nf4Code,
  nf4CodeAt,
  nf4ErrorBounds,
  nf4Layout,
  quantizeNf4,
} from '../src/quant/index.js';
import { seededRng } from '../src/util/random.js';

/** bitsandbytes `get_4bit_type('nf4')` (bitsandbytes/functional.py), as written there. */
const BNB_NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
  0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

/** The float literals of bnb's `dQuantizeNF4` tree (csrc/kernels.cu), smallest first. */
const BNB_NF4_THRESHOLD_LITERALS = [
  '-0.8480964004993439',
  '-0.6106329262256622',
  '-0.4599952697753906',
  '-0.33967943489551544',
  '-0.23460740596055984',
  '-0.13791173323988914',
  '-0.045525018125772476',
  '0.03979014977812767',
  '0.1202552504837513',
  '0.2035212516784668',
  '0.2920137718319893',
  '0.3893125355243683',
  '0.5016634166240692',
  '0.6427869200706482',
  '0.8614784181118011',
];

/** A decimal literal rounded straight to the nearest float32 (ties to even), as a C compiler reads `0.5f`. */
function decimalToFloat32(literal: string): number {
  const match = /^(-?)(\d+)\.(\d+)$/.exec(literal);
  if (!match) throw new Error(`not a decimal: ${literal}`);
  const [, minus, whole, frac] = match as unknown as [string, string, string, string];
  const num = BigInt(whole + frac);
  const den = 10n ** BigInt(frac.length);
  const atLeast = (e: number) => (e >= 0 ? num >= den << BigInt(e) : num << BigInt(-e) >= den); // |q| ≥ 2^e
  let e = Math.floor(Math.log2(Number(num) / Number(den)));
  while (!atLeast(e)) e--;
  while (atLeast(e + 1)) e++;
  const shift = 23 - e; // mantissa = |q|·2^shift, 24 bits
  const n = shift >= 0 ? num << BigInt(shift) : num;
  const d = shift >= 0 ? den : den << BigInt(-shift);
  let mantissa = n / d;
  const twiceRest = (n % d) * 2n;
  if (twiceRest > d || (twiceRest === d && (mantissa & 1n) === 1n)) mantissa += 1n;
  return (minus === '-' ? -1 : 1) * Number(mantissa) * 2 ** -shift;
}

/** The next float32 above x (x a finite float32). */
function nextUp(x: number): number {
  const f = Float32Array.of(x);
  const bits = new Int32Array(f.buffer);
  if (x === 0) return 2 ** -149;
  bits[0] = (bits[0] as number) + (x > 0 ? 1 : -1);
  return f[0] as number;
}

/** Standard normal samples (Box–Muller) from a seeded generator. */
function normalSamples(n: number, seed: number, scale = 1): Float32Array {
  const rng = seededRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return out;
}

function unpackCodes(packed: Uint8Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => nf4CodeAt(packed, i));
}

describe('NF4 codebook and decision rule (bitsandbytes)', () => {
  it('holds exactly the 16 float32 values of get_4bit_type("nf4")', () => {
    expect(Array.from(NF4_CODEBOOK)).toEqual(BNB_NF4.map(Math.fround));
    expect(NF4_CODEBOOK[7]).toBe(0);
    for (let i = 1; i < 16; i++) expect(NF4_CODEBOOK[i]).toBeGreaterThan(NF4_CODEBOOK[i - 1] as number);
  });

  it("uses bnb's kernel thresholds: its decimal literals rounded straight to float32", () => {
    expect(Array.from(NF4_THRESHOLDS)).toEqual(BNB_NF4_THRESHOLD_LITERALS.map(decimalToFloat32));
    // The literals are the double midpoints of neighbouring codes…
    BNB_NF4_THRESHOLD_LITERALS.forEach((lit, i) => expect(Number(lit)).toBe(((NF4_CODEBOOK[i] as number) + (NF4_CODEBOOK[i + 1] as number)) / 2));
    // …but for four of them rounding the double to float32 (ties to even) gives the other neighbour.
    const differs = BNB_NF4_THRESHOLD_LITERALS.flatMap((lit, i) => (Math.fround(Number(lit)) === NF4_THRESHOLDS[i] ? [] : [i]));
    expect(differs).toEqual([0, 8, 12, 14]);
  });

  it('gives a value exactly on a threshold the lower code and the next float32 up the higher one', () => {
    NF4_THRESHOLDS.forEach((t, i) => {
      expect(nf4Code(t)).toBe(i);
      expect(nf4Code(nextUp(t))).toBe(i + 1);
    });
  });

  it('maps the ends, zero and NaN like the kernel', () => {
    expect([nf4Code(-1), nf4Code(1), nf4Code(0), nf4Code(-0), nf4Code(NaN)]).toEqual([0, 15, 7, 7, 0]);
    // every codebook value maps to itself
    expect(Array.from(NF4_CODEBOOK, (v) => nf4Code(v))).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });
});

describe('quantizeNf4 on crafted vectors', () => {
  // Block 0 has absmax 2, so the scale 1/2 is exact and each scaled value is x/2 exactly.
  const t12 = 0.5016633868217468; // float32 threshold between codes 12 and 13
  const t3 = -0.33967941999435425; // between 3 and 4
  const t8 = 0.1202552542090416; // between 8 and 9
  const t7 = 0.03979014977812767; // between 7 and 8
  const t0 = -0.8480964303016663; // between 0 and 1
  const block0 = [
    2,
    -2,
    0,
    1,
    -0.5,
    2 * t12,
    nextUp(2 * t12),
    2 * t3,
    nextUp(2 * t3),
    2 * t8,
    nextUp(2 * t8),
    2 * t7,
    nextUp(2 * t7),
    -0,
    2 * 0.5626170039176941,
    2 * t0,
  ];
  //                codes: 15, 0, 7, 12 (0.5 is below t12), 4 (−0.25 sits between t3 and t4),
  //                12, 13, 3, 4, 8, 9, 7, 8, 7, 13 (a codebook value), 0
  const codes0 = [15, 0, 7, 12, 4, 12, 13, 3, 4, 8, 9, 7, 8, 7, 13, 0];
  // Block 1 is partial (5 values, odd total length) with absmax 0.25, scale 4:
  // 1 → 15; −0.1·4 = −0.4 (between t2 and t3) → 3; 0.5 → 12; 0 → 7; −1 → 0; pad nibble = code(0) = 7.
  const block1 = [0.25, -0.1, 0.125, 0, -0.25];
  const data = Float32Array.from([...block0, ...new Array<number>(48).fill(0), ...block1]);

  it('packs two codes per byte, even index in the high nibble, with the bytes bnb writes', () => {
    const q = quantizeNf4(data);
    expect(q.length).toBe(69);
    expect(q.blockSize).toBe(64);
    expect(Array.from(q.absmax)).toEqual([2, 0.25]);
    expect(unpackCodes(q.packed, 16)).toEqual(codes0);
    const expected = [0xf0, 0x7c, 0x4c, 0xd3, 0x48, 0x97, 0x87, 0xd0, ...new Array<number>(24).fill(0x77), 0xf3, 0xc7, 0x07];
    expect(Array.from(q.packed)).toEqual(expected);
  });

  it('dequantizes to codebook value × absmax in float32', () => {
    const out = dequantizeNf4(quantizeNf4(data));
    expect(Array.from(out.subarray(0, 5))).toEqual([2, -2, 0, 0.8814196586608887, -0.5688827633857727]);
    expect(Array.from(out.subarray(64))).toEqual([0.25, -0.09872937202453613, 0.11017745733261108, 0, -0.25]);
  });

  it('writes an all-zero block as absmax 0 and code 0 (bnb reaches it through NaN), which dequantizes to −0', () => {
    const x = new Float32Array(64 + 3);
    x.set([0.5, -0.5, 0.25], 64); // block 0: 64 zeros; block 1 (partial): 3 values, odd length
    const q = quantizeNf4(x);
    expect(Array.from(q.absmax)).toEqual([0, 0.5]);
    expect(Array.from(q.packed.subarray(0, 32))).toEqual(new Array<number>(32).fill(0));
    // 0.5·2 = 1 → 15, −1 → 0; 0.5 → 12 and the pad nibble is code(0) = 7
    expect(Array.from(q.packed.subarray(32))).toEqual([0xf0, 0xc7]);
    const out = dequantizeNf4(q);
    expect(out.subarray(0, 64).every((v) => Object.is(v, -0))).toBe(true);
    expect(Array.from(out.subarray(64))).toEqual([0.5, -0.5, 0.22035491466522217]);
  });

  it('pads a zero partial block with code 0 too', () => {
    const x = Float32Array.from({ length: 67 }, (_, i) => (i < 64 ? 1 : 0));
    const q = quantizeNf4(x);
    expect(Array.from(q.absmax)).toEqual([1, 0]);
    expect(Array.from(q.packed.subarray(32))).toEqual([0x00, 0x00]);
  });

  it('treats subnormal values as 0, like the flush-to-zero CUDA build (no 1/absmax overflow)', () => {
    const x = new Float32Array(128);
    x.set([1e-40, -1e-40, 2e-39]); // block 0: subnormals only → a zero block
    x.set([1, 1e-40, -1e-40], 64); // block 1: subnormals next to a normal absmax → code 7
    const q = quantizeNf4(x);
    expect(Array.from(q.absmax)).toEqual([0, 1]);
    expect(Array.from(q.packed.subarray(0, 2))).toEqual([0x00, 0x00]);
    expect(Array.from(q.packed.subarray(32, 34))).toEqual([0xf7, 0x77]);
  });

  it('supports the other bitsandbytes block sizes and rejects the rest', () => {
    const x = normalSamples(1000, 7);
    for (const bs of [128, 256, 4096]) {
      const q = quantizeNf4(x, bs);
      expect(q.absmax.length).toBe(Math.ceil(1000 / bs));
      expect(q.packed.length).toBe(500);
    }
    for (const bs of [32, 65, 0]) expect(() => quantizeNf4(x, bs)).toThrow(EngineError);
    expect(nf4Layout(1001, 64)).toEqual({ length: 1001, blockSize: 64, blocks: 16, packedBytes: 501 });
  });

  it('refuses NaN and Infinity, which would poison a whole block', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = new Float32Array(70);
      x[66] = bad;
      expect(() => quantizeNf4(x)).toThrow(/non-finite value .* at index 66/);
    }
  });

  it('handles an empty tensor', () => {
    const q = quantizeNf4(new Float32Array(0));
    expect([q.packed.length, q.absmax.length]).toEqual([0, 0]);
    expect(dequantizeNf4(q).length).toBe(0);
  });

  it('checks array sizes when dequantizing', () => {
    const q = quantizeNf4(normalSamples(128, 3));
    expect(() => dequantizeNf4({ ...q, absmax: q.absmax.subarray(1) })).toThrow(/needs 2 absmax values, got 1/);
    expect(() => dequantizeNf4({ ...q, packed: q.packed.subarray(1) })).toThrow(/needs 64 packed bytes/);
  });
});

describe('NF4 round trip within its error budget', () => {
  it('keeps every value of seeded normal data within absmax · (half the widest gap + slack), and the budget is tight', () => {
    expect(NF4_MAX_HALF_GAP).toBeCloseTo((1 - 0.6961928009986877) / 2, 12);
    const x = normalSamples((1 << 18) + 45, 11, 0.02);
    const q = quantizeNf4(x);
    const out = dequantizeNf4(q);
    const bounds = nf4ErrorBounds(q);
    let worstRatio = 0;
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs((x[i] as number) - (out[i] as number));
      worstRatio = Math.max(worstRatio, err / (bounds[Math.floor(i / 64)] as number));
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
    // Some value lands near the midpoint of the widest gap: the budget is not loose.
    expect(worstRatio).toBeGreaterThan(0.95);
    expect(NF4_ERROR_BUDGET.relativeToAbsmax).toBeLessThan(0.152);
  });

  it("matches bnb's measured mean errors for randn at block size 64 (tests/test_functional.py: 0.072792 abs, 0.203299 rel)", () => {
    const x = normalSamples(1 << 20, 2024);
    const out = dequantizeNf4(quantizeNf4(x));
    let abs = 0;
    let rel = 0;
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs((x[i] as number) - (out[i] as number));
      abs += err;
      rel += err / (Math.abs(x[i] as number) + 1e-8);
    }
    expect(Math.abs(abs / x.length - 0.072792)).toBeLessThan(1e-3);
    expect(Math.abs(rel / x.length - 0.203299)).toBeLessThan(1e-3);
  });
});
