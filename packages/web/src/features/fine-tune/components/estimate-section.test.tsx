import type { TrainingEstimate } from '@qlora-studio/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EstimateSection } from './estimate-section';

const GiB = 2 ** 30;
const measured: TrainingEstimate = {
  records: 290,
  steps: 290,
  tokensPerStep: 300,
  totalTokens: 87_000,
  seconds: 840,
  time: { basis: 'measured', seconds: 840, lowSeconds: 720, highSeconds: 960, secondsPerStep: 2.9, steps: 290, measuredAt: '2026-01-01T00:00:00Z' },
  calibration: { state: 'measured', message: null, fraction: null, measuredWhileBusy: false },
  tokensPerSecond: 100,
  peakMemoryBytes: GiB,
  memory: {},
  savedActivations: true,
  machine: { memoryTotalBytes: 8 * GiB, memoryAvailableBytes: 4 * GiB, gemmGflops: 47, gemmSource: 'system-check' },
  warnings: [],
};
const render = (data: TrainingEstimate) =>
  renderToStaticMarkup(<EstimateSection estimate={{ data, error: null, isFetching: false } as unknown as Parameters<typeof EstimateSection>[0]['estimate']} />);

describe('EstimateSection', () => {
  it('states a measured range and the step time it rests on', () => {
    const html = render(measured);
    expect(html).toContain('≈ 12–16 min (measured: 2.9 s per step on this machine × 290 steps');
    expect(html).toContain('An estimate, not a promise');
    expect(html).not.toContain('rough');
  });

  it('shows progress, not a number, while this machine is measured', () => {
    const html = render({
      ...measured,
      time: { ...measured.time, basis: 'rough', measuredAt: null },
      calibration: { state: 'measuring', message: 'Timing training step 2…', fraction: 0.5, measuredWhileBusy: false },
    });
    expect(html).toContain('Measuring this machine&#x27;s speed for this model…');
    expect(html).toContain('Timing training step 2…');
    expect(html).toContain('aria-valuetext="50%"');
    expect(html).not.toContain('≈ 12–16 min');
  });

  it('labels the FLOP count as rough when the speed cannot be measured', () => {
    const html = render({
      ...measured,
      time: { ...measured.time, basis: 'rough', lowSeconds: 98, highSeconds: 392, measuredAt: null },
      calibration: { state: 'unavailable', message: 'Not enough memory.', fraction: null, measuredWhileBusy: false },
    });
    expect(html).toContain('≈ 1–7 min (rough)');
    expect(html).toContain('rough: counted from the work a step computes at this machine&#x27;s measured 47 GFLOP/s');
  });
});
