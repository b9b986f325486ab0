import { describe, expect, it } from 'vitest';
import { countUpMs, countUpValue, shouldCountUp } from './count-up';

describe('shouldCountUp', () => {
  it('animates a change when motion is allowed', () => {
    expect(shouldCountUp(0, 12, false)).toBe(true);
    expect(shouldCountUp(12, 3, false)).toBe(true);
  });
  it('never animates under reduced motion: the value is shown as is', () => {
    expect(shouldCountUp(0, 12, true)).toBe(false);
    expect(shouldCountUp(5, 6, true)).toBe(false);
  });
  it('has nothing to animate when the value did not change or is not a number', () => {
    expect(shouldCountUp(4, 4, false)).toBe(false);
    expect(shouldCountUp(0, Number.NaN, false)).toBe(false);
  });
});

describe('countUpValue', () => {
  it('starts at the old value and lands exactly on the new one', () => {
    expect(countUpValue(0, 100, 0)).toBe(0);
    expect(countUpValue(0, 100, countUpMs)).toBe(100);
    expect(countUpValue(0, 100, countUpMs * 3)).toBe(100);
  });
  it('eases out: past halfway by the middle, and rises monotonically', () => {
    expect(countUpValue(0, 100, countUpMs / 2)).toBeGreaterThan(50);
    const values = Array.from({ length: 11 }, (_, i) => countUpValue(0, 100, (i / 10) * countUpMs));
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });
  it('counts whole numbers in whole steps, down as well as up', () => {
    for (let t = 0; t <= countUpMs; t += 50) expect(Number.isInteger(countUpValue(10, 3, t))).toBe(true);
    expect(countUpValue(10, 3, countUpMs)).toBe(3);
  });
  it('keeps fractions for fractional targets', () => {
    expect(Number.isInteger(countUpValue(0, 1.5, countUpMs / 3))).toBe(false);
  });
});
