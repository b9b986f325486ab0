import type { JobEvent } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { testJob } from '../../lib/jobs/test-job';
import { checkpointOptions, checkpointStep, fineTuneOptions, launchJobCount, launchModels, parseLimit, selectionState } from './launch';

const train = (id: string, patch: Parameters<typeof testJob>[1] = {}) =>
  testJob(id, { type: 'train', title: `Tune ${id}`, status: 'succeeded', config: { modelId: 'm1', datasetId: 'd' }, ...patch });

const artifact = (id: number, artifactKind: string, path: string, label?: string): JobEvent => ({
  id,
  jobId: 't1',
  at: '2025-01-01T00:00:00.000Z',
  kind: 'artifact',
  artifactKind,
  path,
  ...(label !== undefined && { label }),
});

describe('fineTuneOptions', () => {
  it('offers a succeeded fine-tune by id and its newest checkpoint by folder', () => {
    const [t1] = fineTuneOptions([train('t1', { latestCheckpoint: { step: 50, path: '/ws/adapters/t1/checkpoint-50' } })]);
    expect(t1).toEqual({
      jobId: 't1',
      title: 'Tune t1',
      modelId: 'm1',
      running: false,
      final: { key: 't1', jobId: 't1', modelId: 'm1', ref: 't1', label: 'Tune t1', kind: 'final', step: null },
      latestCheckpoint: {
        key: 't1@50',
        jobId: 't1',
        modelId: 'm1',
        ref: '/ws/adapters/t1/checkpoint-50',
        label: 'Tune t1, checkpoint at step 50',
        kind: 'checkpoint',
        step: 50,
      },
    });
  });

  it("offers a failed fine-tune's checkpoints but not a final adapter it never wrote, and skips other jobs", () => {
    const options = fineTuneOptions([
      train('t2', { status: 'failed', latestCheckpoint: { step: 10, path: 'p' } }),
      train('t3', { status: 'running' }),
      train('t4', { status: 'running', latestCheckpoint: { step: 5, path: 'q' } }),
      testJob('x', { status: 'succeeded' }),
    ]);
    expect(options.map((o) => [o.jobId, o.final?.key ?? null, o.latestCheckpoint?.key ?? null, o.running])).toEqual([
      ['t2', null, 't2@10', false],
      ['t4', null, 't4@5', true],
    ]);
  });
});

describe('checkpointStep', () => {
  it('reads the step from the label or the folder, on either path separator', () => {
    expect(checkpointStep({ label: 'checkpoint-20', path: '/x' })).toBe(20);
    expect(checkpointStep({ path: '/ws/adapters/run/checkpoint-300' })).toBe(300);
    expect(checkpointStep({ path: 'C:\\ws\\adapters\\run\\checkpoint-7\\' })).toBe(7);
    expect(checkpointStep({ label: 'final adapter', path: '/ws/adapters/run' })).toBeNull();
    expect(checkpointStep({ path: '/ws/checkpoint-9/adapter' })).toBeNull();
  });
});

describe('checkpointOptions', () => {
  const [fineTune] = fineTuneOptions([train('t1', { latestCheckpoint: { step: 30, path: '/ws/adapters/t1/checkpoint-30' } })]);

  it('lists every checkpoint artifact by step, oldest first, and ignores other artifacts', () => {
    const events = [
      artifact(3, 'checkpoint', '/ws/adapters/t1/checkpoint-20', 'checkpoint-20'),
      artifact(1, 'checkpoint', '/ws/adapters/t1/checkpoint-10', 'checkpoint-10'),
      artifact(4, 'checkpoint', '/ws/adapters/t1/checkpoint-30', 'checkpoint-30'),
      artifact(5, 'adapter', '/ws/adapters/t1', 'final adapter'),
      artifact(6, 'summary', '/ws/adapters/t1/training-summary.json', 'training summary'),
    ];
    const options = checkpointOptions(fineTune!, events);
    expect(options.map((o) => [o.key, o.step, o.ref, o.label])).toEqual([
      ['t1@10', 10, '/ws/adapters/t1/checkpoint-10', 'Tune t1, checkpoint at step 10'],
      ['t1@20', 20, '/ws/adapters/t1/checkpoint-20', 'Tune t1, checkpoint at step 20'],
      ['t1@30', 30, '/ws/adapters/t1/checkpoint-30', 'Tune t1, checkpoint at step 30'],
    ]);
    expect(options.every((o) => o.kind === 'checkpoint' && o.modelId === 'm1' && o.jobId === 't1')).toBe(true);
  });

  it('keeps one option per step: the last report of a step saved twice, and latestCheckpoint only when the events lack it', () => {
    const events = [artifact(1, 'checkpoint', '/old/checkpoint-10'), artifact(2, 'checkpoint', '/ws/adapters/t1/checkpoint-10')];
    expect(checkpointOptions(fineTune!, events).map((o) => [o.step, o.ref])).toEqual([
      [10, '/ws/adapters/t1/checkpoint-10'],
      [30, '/ws/adapters/t1/checkpoint-30'],
    ]);
  });

  it('falls back to the newest checkpoint alone before the events arrive', () => {
    expect(checkpointOptions(fineTune!, []).map((o) => o.key)).toEqual(['t1@30']);
    const [none] = fineTuneOptions([train('t9')]);
    expect(checkpointOptions(none!, [])).toEqual([]);
  });
});

describe('selectionState', () => {
  const [fineTune] = fineTuneOptions([train('t1')]);
  const options = checkpointOptions(fineTune!, [artifact(1, 'checkpoint', '/a/checkpoint-1'), artifact(2, 'checkpoint', '/a/checkpoint-2')]);

  it('says all, some or none of the options are chosen', () => {
    expect(selectionState(options, new Set(['t1@1', 't1@2', 'other']))).toBe('all');
    expect(selectionState(options, new Set(['t1@2']))).toBe('some');
    expect(selectionState(options, new Set(['other']))).toBe('none');
  });
});

describe('launchModels', () => {
  const [t1] = fineTuneOptions([train('t1', { latestCheckpoint: { step: 5, path: 'ck' } })]);
  const a1 = t1!.final!;
  const c1 = t1!.latestCheckpoint!;
  const a2 = fineTuneOptions([train('t2', { config: { modelId: 'm2' } })])[0]!.final!;

  it('adds each adapter’s base model once when the base is included', () => {
    expect(launchModels({ baseModelIds: ['m1'], adapters: [a1, c1, a2], includeBase: true })).toEqual([
      { modelId: 'm1' },
      { modelId: 'm2' },
      { modelId: 'm1', adapter: 't1' },
      { modelId: 'm1', adapter: 'ck' },
      { modelId: 'm2', adapter: 't2' },
    ]);
  });

  it('leaves the bases out when asked', () => {
    expect(launchModels({ baseModelIds: [], adapters: [a2, a2], includeBase: false })).toEqual([{ modelId: 'm2', adapter: 't2' }]);
  });

  it('counts one job per model and benchmark', () => {
    expect(launchJobCount(3, 2)).toBe(6);
    expect(launchJobCount(0, 4)).toBe(0);
  });
});

describe('parseLimit', () => {
  it('reads empty as all items and refuses fractions and zero', () => {
    expect(parseLimit(' ')).toEqual({ limit: undefined, error: null });
    expect(parseLimit('20')).toEqual({ limit: 20, error: null });
    expect(parseLimit('0').error).toMatch(/at least 1/);
    expect(parseLimit('2.5').error).toMatch(/whole number/);
  });
});
