import type { Job } from '@qlora-studio/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JobProgressDetail } from './job-progress-card';

const estimate = {
  basis: 'measured',
  seconds: 840,
  lowSeconds: 720,
  highSeconds: 960,
  secondsPerStep: 2.9,
  steps: 290,
  measuredAt: '2026-01-01T00:00:00Z',
  estimatedAt: '2026-01-01T00:00:00Z',
};

function fineTune(status: Job['status'], withEstimate: boolean): Job {
  return {
    id: 'j1',
    type: 'train',
    title: 'Fine-tune',
    status,
    config: { modelId: 'm', resolved: { outputDir: '/a', ...(withEstimate ? { estimate } : {}) } },
    createdAt: '2026-01-01T10:00:00.000Z',
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: status === 'running' ? null : '2026-01-01T10:14:21.000Z',
    cancelRequestedAt: null,
    progress: { step: status === 'running' ? 100 : 290, total: 290, etaSeconds: 500 },
    error: null,
    result: null,
    parentId: null,
    latestCheckpoint: null,
  };
}

describe('JobProgressDetail with the estimate a fine-tune was launched with', () => {
  it('shows the estimate beside the live time left while it runs', () => {
    const html = renderToStaticMarkup(<JobProgressDetail job={fineTune('running', true)} samples={[]} />);
    expect(html).toContain('Estimated 12–16 min for the whole run (measured: 2.9 s per step on this machine)');
    expect(html).toContain('Time left');
  });

  it('sets what it took beside the estimate once done', () => {
    expect(renderToStaticMarkup(<JobProgressDetail job={fineTune('succeeded', true)} samples={[]} />)).toContain(
      'Estimated 12–16 min · took 14 min 21 s, within the estimate',
    );
  });

  it('says nothing of an estimate when the job was launched without one', () => {
    expect(renderToStaticMarkup(<JobProgressDetail job={fineTune('succeeded', false)} samples={[]} />)).not.toContain('Estimated');
  });
});
