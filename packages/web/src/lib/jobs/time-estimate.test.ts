import type { Job, LaunchEstimate } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { estimateVersusActual, formatDurationRange, formatStepSeconds, formatTrainingTime, launchEstimateOf } from './time-estimate';

describe('formatDurationRange', () => {
  it('names the unit once when both ends share it', () => {
    expect(formatDurationRange(12 * 60 + 10, 15 * 60 + 50)).toBe('12–16 min');
    expect(formatDurationRange(12.4, 25.9)).toBe('12–26 s');
    expect(formatDurationRange(2 * 3600, 3.25 * 3600)).toBe('2–3.3 h');
  });

  it('names both units when they differ', () => {
    expect(formatDurationRange(40, 130)).toBe('40 s – 3 min');
    expect(formatDurationRange(80 * 60, 100 * 60)).toBe('80 min – 1.7 h');
  });

  it('rounds the low end down and the high end up, so the range never shrinks', () => {
    expect(formatDurationRange(60 * 12.9, 60 * 13.1)).toBe('12–14 min');
    expect(formatDurationRange(1.26, 1.31)).toBe('1.2–1.4 s');
  });

  it('gives one figure when both ends are equal, and a dash for nonsense', () => {
    expect(formatDurationRange(180, 180)).toBe('3 min');
    expect(formatDurationRange(10, 5)).toBe('—');
    expect(formatDurationRange(Number.NaN, 5)).toBe('—');
  });
});

describe('step time and the labelled estimate', () => {
  it('gives a step time two significant figures', () => {
    expect(formatStepSeconds(0.3712)).toBe('0.37 s');
    expect(formatStepSeconds(2.94)).toBe('2.9 s');
    expect(formatStepSeconds(75)).toBe('1 min 15 s');
  });

  it('labels a counted estimate as rough', () => {
    expect(formatTrainingTime({ basis: 'measured', lowSeconds: 720, highSeconds: 960 })).toBe('≈ 12–16 min');
    expect(formatTrainingTime({ basis: 'rough', lowSeconds: 30, highSeconds: 120 })).toBe('≈ 30 s – 2 min (rough)');
  });
});

describe('estimate versus actual', () => {
  const estimate: LaunchEstimate = {
    basis: 'measured',
    seconds: 840,
    lowSeconds: 720,
    highSeconds: 960,
    secondsPerStep: 2.9,
    steps: 290,
    measuredAt: '2026-01-01T00:00:00Z',
    estimatedAt: '2026-01-01T00:00:00Z',
  };
  const job = (
    status: Job['status'],
    tookSeconds: number | null,
    withEstimate = true,
  ): Pick<Job, 'type' | 'config' | 'status' | 'startedAt' | 'finishedAt'> => ({
    type: 'train',
    status,
    config: { modelId: 'm', resolved: withEstimate ? { outputDir: '/x', estimate } : { outputDir: '/x' } },
    startedAt: '2026-01-01T10:00:00Z',
    finishedAt: tookSeconds === null ? null : new Date(Date.parse('2026-01-01T10:00:00Z') + tookSeconds * 1000).toISOString(),
  });

  it('reads the estimate a fine-tune was launched with, and nothing from other jobs', () => {
    expect(launchEstimateOf(job('running', null))).toEqual(estimate);
    expect(launchEstimateOf(job('running', null, false))).toBeNull();
    expect(launchEstimateOf({ type: 'system-check', config: { resolved: { estimate } } })).toBeNull();
  });

  it('says the estimate while running, and sets the time taken beside it once done', () => {
    expect(estimateVersusActual(job('running', null))).toBe('Estimated 12–16 min for the whole run (measured: 2.9 s per step on this machine)');
    expect(estimateVersusActual(job('succeeded', 14 * 60 + 21))).toBe('Estimated 12–16 min · took 14 min 21 s, within the estimate');
    expect(estimateVersusActual(job('succeeded', 20 * 60))).toBe('Estimated 12–16 min · took 20 min, longer than estimated');
    expect(estimateVersusActual(job('succeeded', 5 * 60))).toBe('Estimated 12–16 min · took 5 min, faster than estimated');
    expect(estimateVersusActual(job('succeeded', 60, false))).toBeNull();
  });
});
