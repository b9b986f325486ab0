import { describe, expect, it } from 'vitest';
import { smoothedEtaSeconds, smoothedSecondsPerStep, type ProgressSample } from './eta';

const at = (pairs: [number, number][]): ProgressSample[] => pairs.map(([step, s]) => ({ step, t: s * 1000 }));

describe('smoothedSecondsPerStep', () => {
  it('is null until two reports a step apart', () => {
    expect(smoothedSecondsPerStep([])).toBeNull();
    expect(smoothedSecondsPerStep(at([[1, 0]]))).toBeNull();
    expect(
      smoothedSecondsPerStep(
        at([
          [1, 0],
          [1, 5],
        ]),
      ),
    ).toBeNull();
  });

  it('is the plain rate for a steady run', () => {
    expect(
      smoothedSecondsPerStep(
        at([
          [0, 0],
          [1, 2],
          [2, 4],
          [3, 6],
        ]),
      ),
    ).toBeCloseTo(2);
  });

  it('handles reports that skip steps', () => {
    expect(
      smoothedSecondsPerStep(
        at([
          [0, 0],
          [5, 10],
        ]),
      ),
    ).toBeCloseTo(2);
  });

  it('damps one slow step instead of jumping to it', () => {
    const perStep = smoothedSecondsPerStep(
      at([
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 13],
      ]),
      0.3,
    )!;
    // raw last step: 10 s; the average moves only 30% of the way from 1 s.
    expect(perStep).toBeCloseTo(0.3 * 10 + 0.7 * 1);
    expect(perStep).toBeLessThan(10);
  });

  it('pools reports that arrive in a burst instead of reading them as instant steps', () => {
    // 10 steps a second, reported in bursts stamped the same millisecond.
    const burst = at([
      [0, 0],
      [5, 0.5],
      [6, 0.5],
      [7, 0.5],
      [10, 1],
      [15, 1.5],
      [16, 1.5],
      [20, 2],
    ]);
    expect(smoothedSecondsPerStep(burst)).toBeCloseTo(0.1);
  });

  it('starts over when the step count goes backwards', () => {
    expect(
      smoothedSecondsPerStep(
        at([
          [0, 0],
          [10, 100],
          [2, 101],
          [3, 104],
        ]),
      ),
    ).toBeCloseTo(3);
  });
});

describe('smoothedEtaSeconds', () => {
  it('multiplies the smoothed rate by the steps left', () => {
    expect(
      smoothedEtaSeconds(
        at([
          [0, 0],
          [1, 2],
          [2, 4],
        ]),
        10,
        4000,
      ),
    ).toBeCloseTo(16);
  });

  it('counts down between reports, never below zero', () => {
    const samples = at([
      [0, 0],
      [1, 2],
      [2, 4],
    ]);
    expect(smoothedEtaSeconds(samples, 10, 10_000)).toBeCloseTo(10);
    expect(smoothedEtaSeconds(samples, 10, 100_000)).toBe(0);
  });

  it('is zero when done and null without a rate or a total', () => {
    expect(
      smoothedEtaSeconds(
        at([
          [0, 0],
          [10, 5],
        ]),
        10,
        5000,
      ),
    ).toBe(0);
    expect(smoothedEtaSeconds(at([[0, 0]]), 10, 0)).toBeNull();
    expect(
      smoothedEtaSeconds(
        at([
          [0, 0],
          [1, 1],
        ]),
        0,
        1000,
      ),
    ).toBeNull();
  });
});
