import type { Job } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { cancelRisk, describeCancelRisk } from './cancel-risk';

const job = (over: Partial<Job> = {}): Job => ({
  id: 'j1',
  type: 'train',
  title: 'stories260K · gsm8k v4 · QLoRA r8',
  status: 'running',
  config: {},
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  cancelRequestedAt: null,
  progress: { step: 120, total: 300, etaSeconds: 60 },
  error: null,
  result: null,
  parentId: null,
  latestCheckpoint: { step: 100, path: '/w/adapters/a/checkpoint-100' },
  ...over,
});

describe('what canceling a fine-tune loses', () => {
  it('counts the steps since the last checkpoint, and says where Resume continues', () => {
    const risk = cancelRisk(job())!;
    expect(risk).toEqual({ step: 120, lostSteps: 20, resumeFromStep: 100 });
    expect(describeCancelRisk(risk)).toBe('It is at step 120; the last checkpoint is at step 100, so 20 steps will be lost. Resume continues from step 100.');
  });

  it('without a checkpoint every step is lost, and only Retry is left', () => {
    const risk = cancelRisk(job({ latestCheckpoint: null }))!;
    expect(risk).toEqual({ step: 120, lostSteps: 120, resumeFromStep: null });
    expect(describeCancelRisk(risk)).toBe('It is at step 120 and has saved no checkpoint, so all 120 steps are lost: it can only be retried from the start.');
  });

  it('a resumed run without its own checkpoint keeps the one it started from', () => {
    const resumed = job({
      latestCheckpoint: null,
      config: { resolved: { resumeFrom: '/w/adapters/a/checkpoint-100' } },
      progress: { step: 101, total: 300, etaSeconds: 60 },
    });
    expect(cancelRisk(resumed)).toEqual({ step: 101, lostSteps: 1, resumeFromStep: 100 });
  });

  it('asks nothing when nothing would be lost', () => {
    expect(cancelRisk(job({ progress: { step: 100, total: 300, etaSeconds: 60 } }))).toBeNull();
    expect(cancelRisk(job({ status: 'queued', progress: null }))).toBeNull();
    expect(cancelRisk(job({ type: 'system-check' }))).toBeNull();
    expect(cancelRisk(job({ progress: { step: 0, total: 300, etaSeconds: null }, latestCheckpoint: null }))).toBeNull();
  });
});
