import type { Job, JobStatus } from '@qlora-studio/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JobProgressDetail } from './job-progress-card';
import { JobProgress, progressBarValue, progressMessage } from '../../../components/jobs/job-status';

function job(status: JobStatus, progress: Job['progress'] = null): Job {
  return {
    id: 'j1',
    type: 'download-model',
    title: 'Download model',
    status,
    config: { repo: 'owner/missing' },
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: status === 'queued' ? null : '2025-01-01T00:00:01.000Z',
    finishedAt: status === 'queued' || status === 'running' ? null : '2025-01-01T00:00:02.000Z',
    cancelRequestedAt: null,
    progress,
    error: status === 'failed' ? { code: 'HUB_UNREACHABLE', message: 'Could not reach the Hub.', hint: null } : null,
    result: null,
    parentId: null,
    latestCheckpoint: null,
  } as Job;
}

const stopped: JobStatus[] = ['failed', 'canceled', 'interrupted'];
const partway = { step: 300, total: 1000, etaSeconds: null, message: 'Downloading model.safetensors: 0.3 of 1 MiB (file 1 of 1)' };

describe('a stopped job never looks busy', () => {
  it.each(stopped)('%s with no progress: a still, empty bar and no "Working…"', (status) => {
    const j = job(status);
    expect(progressBarValue(j)).toBe(0);
    expect(progressMessage(j)).not.toMatch(/working/i);
    for (const html of [renderToStaticMarkup(<JobProgress job={j} />), renderToStaticMarkup(<JobProgressDetail job={j} samples={[]} />)]) {
      expect(html).not.toContain('Working…');
      expect(html).not.toContain('animate-indeterminate');
      expect(html).not.toContain('data-state="indeterminate"');
    }
  });

  it.each(stopped)('%s part way: the bar stays where it stopped and says so', (status) => {
    const j = job(status, partway);
    expect(progressBarValue(j)).toBe(30);
    expect(progressMessage(j)).toMatch(new RegExp(`^(Failed|Canceled|Interrupted) at: Downloading`));
    expect(renderToStaticMarkup(<JobProgress job={j} />)).not.toContain('animate-indeterminate');
  });

  it('a running job with no amount yet is still "Working…" with a moving bar', () => {
    const j = job('running');
    expect(progressBarValue(j)).toBeNull();
    expect(progressMessage(j)).toBe('Working…');
    expect(renderToStaticMarkup(<JobProgress job={j} />)).toContain('animate-indeterminate');
  });

  it('a queued job waits with an empty bar', () => {
    expect(progressBarValue(job('queued'))).toBe(0);
    expect(progressMessage(job('queued'))).toBe('Waiting to start');
  });
});
