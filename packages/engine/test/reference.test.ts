import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../src/reference/compare.js';
import { matmulForward } from '../src/reference/matmul.js';
import { randomUniform, seededRng } from '../src/util/random.js';

describe('reference ops', () => {
  it('matmulForward multiplies row-major (2×3)·(3×2) by hand', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    expect(Array.from(matmulForward(a, b, 2, 3, 2))).toEqual([58, 64, 139, 154]);
  });

  it('matmulForward rejects operands of the wrong size', () => {
    expect(() => matmulForward(new Float32Array(5), new Float32Array(6), 2, 3, 2)).toThrow(/M\*K/);
  });

  it('maxRelativeError finds the worst element and treats NaN and length mismatches as infinite', () => {
    expect(maxRelativeError([1, 10, 0.001], [1, 11, 0])).toMatchObject({ index: 1, maxError: 1 / 11 });
    expect(maxRelativeError([1, NaN], [1, 2]).maxError).toBe(Infinity);
    expect(maxRelativeError([1], [1, 2]).maxError).toBe(Infinity);
  });

  it('seededRng repeats for a seed and differs across seeds', () => {
    const a = randomUniform(8, seededRng(7));
    expect(randomUniform(8, seededRng(7))).toEqual(a);
    expect(randomUniform(8, seededRng(8))).not.toEqual(a);
    expect(a.every((v) => v >= -1 && v < 1)).toBe(true);
  });
});
