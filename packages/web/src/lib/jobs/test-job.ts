import type { Job } from '@qlora-studio/contracts';

/** A job for tests: a queued system check unless `patch` says otherwise. */
export const testJob = (id: string, patch: Partial<Job> = {}): Job => ({
  id,
  type: 'system-check',
  title: 'System check',
  status: 'queued',
  config: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  cancelRequestedAt: null,
  progress: null,
  error: null,
  result: null,
  parentId: null,
  latestCheckpoint: null,
  ...patch,
});
