import type { EvaluationComparison } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { direction, headline, headlineMetric, scaled, signed } from './verdict';

type Metric = EvaluationComparison['metrics'][number];
const boot = (delta: number, low: number, high: number) => ({ delta, low, high, better: 62, worse: 40, ties: 8, n: 110, confidence: 0.95, resamples: 1000 });
const accuracy: Metric = { name: 'accuracy', values: [0.5, 0.54], lowerIsBetter: false, perItem: true, unit: 'points', scale: 100, deltas: [] };
const loss: Metric = { name: 'item_loss', values: [2, 1.8], lowerIsBetter: true, perItem: true, unit: 'nats/token', scale: 1, deltas: [] };

describe('direction', () => {
  it('says helped or hurt only when the whole interval is on one side of zero', () => {
    expect(direction(accuracy, { label: 'm', delta: 0.04, bootstrap: boot(0.04, 0.012, 0.068) })).toBe('helped');
    expect(direction(accuracy, { label: 'm', delta: -0.04, bootstrap: boot(-0.04, -0.06, -0.01) })).toBe('hurt');
    expect(direction(accuracy, { label: 'm', delta: 0.01, bootstrap: boot(0.01, -0.02, 0.03) })).toBe('unclear');
    expect(direction(accuracy, { label: 'm', delta: 0.01 })).toBe('unknown');
  });

  it('reads a lower loss as better', () => {
    expect(direction(loss, { label: 'm', delta: -0.2, bootstrap: boot(-0.2, -0.3, -0.1) })).toBe('helped');
    expect(direction(loss, { label: 'm', delta: 0.2, bootstrap: boot(0.2, 0.1, 0.3) })).toBe('hurt');
  });
});

describe('headline', () => {
  it('says whether it helped, by how much and how sure, in points', () => {
    expect(headline(accuracy, { label: 'm', delta: 0.04, bootstrap: boot(0.04, 0.012, 0.068) })).toBe(
      'Helped: accuracy +4.0 points (95% CI +1.2 to +6.8) over 110 items: better on 62, worse on 40.',
    );
  });

  it('warns when the interval includes zero', () => {
    expect(headline(accuracy, { label: 'm', delta: 0.01, bootstrap: boot(0.01, -0.02, 0.03) })).toMatch(/^No clear difference: .*could be chance\.$/);
  });

  it('explains a missing value or interval', () => {
    expect(headline(accuracy, { label: 'm', delta: null })).toBe('accuracy is missing for one of the two models.');
    expect(headline({ ...accuracy, perItem: false }, { label: 'm', delta: 0.1 })).toMatch(/no per-item scores/);
  });
});

describe('formatting', () => {
  it('signs deltas at the metric scale without a negative zero', () => {
    expect(signed(0.042, 100)).toBe('+4.2');
    expect(signed(-0.0001, 100)).toBe('0.0');
    expect(signed(-0.25, 1)).toBe('-0.250');
    expect(scaled(0.5, 100)).toBe('50.0');
    expect(scaled(null, 100)).toBe('—');
  });

  it('leads with the first metric that has per-item scores', () => {
    const comparison = { metrics: [{ ...accuracy, name: 'accuracy_norm', perItem: false }, accuracy] } as EvaluationComparison;
    expect(headlineMetric(comparison)?.name).toBe('accuracy');
  });
});
