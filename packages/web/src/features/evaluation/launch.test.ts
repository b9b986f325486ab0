import { describe, expect, it } from 'vitest';
import { testJob } from '../../lib/jobs/test-job';
import { adapterOptions, launchJobCount, launchModels, parseLimit } from './launch';

const train = (id: string, patch: Parameters<typeof testJob>[1] = {}) =>
  testJob(id, { type: 'train', title: `Tune ${id}`, status: 'succeeded', config: { modelId: 'm1', datasetId: 'd' }, ...patch });

describe('adapterOptions', () => {
  it('offers a succeeded fine-tune by id and its newest checkpoint by folder', () => {
    const options = adapterOptions([train('t1', { latestCheckpoint: { step: 50, path: '/ws/adapters/t1/checkpoint-50' } })]);
    expect(options).toEqual([
      { key: 't1', jobId: 't1', modelId: 'm1', ref: 't1', label: 'Tune t1', kind: 'final', step: null },
      { key: 't1@50', jobId: 't1', modelId: 'm1', ref: '/ws/adapters/t1/checkpoint-50', label: 'Tune t1, checkpoint at step 50', kind: 'checkpoint', step: 50 },
    ]);
  });

  it("offers a failed fine-tune's checkpoint but not a final adapter it never wrote, and skips other jobs", () => {
    const options = adapterOptions([
      train('t2', { status: 'failed', latestCheckpoint: { step: 10, path: 'p' } }),
      train('t3', { status: 'running' }),
      testJob('x', { status: 'succeeded' }),
    ]);
    expect(options.map((o) => o.key)).toEqual(['t2@10']);
  });
});

describe('launchModels', () => {
  const [a1, c1] = adapterOptions([train('t1', { latestCheckpoint: { step: 5, path: 'ck' } })]);
  const a2 = adapterOptions([train('t2', { config: { modelId: 'm2' } })])[0]!;

  it('adds each adapter’s base model once when the base is included', () => {
    expect(launchModels({ baseModelIds: ['m1'], adapters: [a1!, c1!, a2], includeBase: true })).toEqual([
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
