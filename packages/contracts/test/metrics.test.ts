import { describe, expect, it } from 'vitest';
import { processMetricNames, systemCheckMetricNames, trainingMetricNames, trainingMetrics } from '../src/index.js';

describe('metric catalogue', () => {
  it('names each training metric once, described, apart from the process and system-check metrics', () => {
    expect(trainingMetricNames).toEqual(Object.keys(trainingMetrics));
    for (const name of trainingMetricNames) {
      expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(trainingMetrics[name].length).toBeGreaterThan(0);
    }
    const others: string[] = [...Object.values(processMetricNames), ...Object.values(systemCheckMetricNames)];
    expect(trainingMetricNames.filter((n) => others.includes(n))).toEqual([]);
  });
});
