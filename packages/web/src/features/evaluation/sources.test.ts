import { describe, expect, it } from 'vitest';
import { testJob } from '../../lib/jobs/test-job';
import { fineTuneSplits } from './sources';

describe('fineTuneSplits', () => {
  it('lists fine-tunes with a validation split, with the version they trained on', () => {
    const splits = fineTuneSplits([
      testJob('t1', {
        type: 'train',
        title: 'Tune',
        config: { datasetId: 'd1', validation: { kind: 'split', ratio: 0.1, seed: 42 }, resolved: { dataset: { name: 'qa', version: 3 } } },
      }),
      testJob('t2', { type: 'train', config: { datasetId: 'd1', validation: { kind: 'none' } } }),
      testJob('t3', { type: 'train', config: { datasetId: 'd2', datasetVersion: 2, validation: { kind: 'split', ratio: 0.2, seed: 1 } } }),
      testJob('s', { config: { validation: { kind: 'split', ratio: 0.1, seed: 1 } } }),
    ]);
    expect(splits).toEqual([
      {
        jobId: 't1',
        title: 'Tune',
        status: 'queued',
        datasetId: 'd1',
        datasetVersion: 3,
        datasetName: 'qa',
        rows: { kind: 'held-out', ratio: 0.1, seed: 42, jobId: 't1' },
      },
      {
        jobId: 't3',
        title: 'System check',
        status: 'queued',
        datasetId: 'd2',
        datasetVersion: 2,
        datasetName: null,
        rows: { kind: 'held-out', ratio: 0.2, seed: 1, jobId: 't3' },
      },
    ]);
  });
});
