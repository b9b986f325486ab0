import { describe, expect, it } from 'vitest';
import { testJob as job } from '../../lib/jobs/test-job';
import { canApply, canResume, columnOf, filterJobs, groupByColumn, pruneSelection, resolvedInfo, toggleAll } from './board';

const fineTune = (id: string, model: string, dataset: string) =>
  job(id, {
    type: 'train',
    title: `Fine-tune ${model}`,
    config: { modelId: 'm', datasetId: 'd', resolved: { modelName: model, dataset: { id: 'd', name: dataset, version: 3 }, outputDir: '/out' } },
  });

describe('board grouping', () => {
  it('puts each state in its column', () => {
    expect(columnOf('queued')).toBe('queued');
    expect(columnOf('running')).toBe('running');
    expect(columnOf('succeeded')).toBe('succeeded');
    for (const s of ['failed', 'canceled', 'interrupted'] as const) expect(columnOf(s)).toBe('ended');
  });

  it('groups jobs keeping their order', () => {
    const jobs = [job('a', { status: 'running' }), job('b', { status: 'failed' }), job('c', { status: 'running' }), job('d', { status: 'canceled' })];
    const groups = groupByColumn(jobs);
    expect(groups.running.map((j) => j.id)).toEqual(['a', 'c']);
    expect(groups.ended.map((j) => j.id)).toEqual(['b', 'd']);
    expect(groups.queued).toEqual([]);
    expect(groups.succeeded).toEqual([]);
  });
});

describe('filterJobs', () => {
  const jobs = [fineTune('ft1', 'SmolLM2 135M', 'support-chats'), fineTune('ft2', 'Demo tiny', 'arithmetic'), job('sc1')];

  it('filters by type', () => {
    expect(filterJobs(jobs, { type: 'train', text: '' }).map((j) => j.id)).toEqual(['ft1', 'ft2']);
    expect(filterJobs(jobs, { type: 'system-check', text: '' }).map((j) => j.id)).toEqual(['sc1']);
    expect(filterJobs(jobs, { type: 'all', text: '' })).toHaveLength(3);
  });

  it('matches title, id, model and dataset names, every word, any case', () => {
    expect(filterJobs(jobs, { type: 'all', text: 'ARITH' }).map((j) => j.id)).toEqual(['ft2']);
    expect(filterJobs(jobs, { type: 'all', text: 'smollm chats' }).map((j) => j.id)).toEqual(['ft1']);
    expect(filterJobs(jobs, { type: 'all', text: 'sc1' }).map((j) => j.id)).toEqual(['sc1']);
    expect(filterJobs(jobs, { type: 'all', text: 'smollm arithmetic' })).toEqual([]);
    expect(filterJobs(jobs, { type: 'train', text: 'system' })).toEqual([]);
  });
});

describe('resolvedInfo', () => {
  it('reads the names a fine-tune resolved at launch, and copes without them', () => {
    expect(resolvedInfo(fineTune('x', 'M', 'D'))).toMatchObject({ modelName: 'M', datasetName: 'D', datasetVersion: 3, outputDir: '/out' });
    expect(resolvedInfo(job('y', { config: { resolved: 'junk' } }))).toMatchObject({ modelName: null, datasetName: null, datasetVersion: null });
  });
});

describe('selection', () => {
  it('selects all in view, or clears them when all are selected', () => {
    const some = toggleAll(new Set(['z']), ['a', 'b']);
    expect([...some].sort()).toEqual(['a', 'b', 'z']);
    expect([...toggleAll(some, ['a', 'b'])]).toEqual(['z']);
    expect([...toggleAll(new Set(['a']), ['a', 'b'])].sort()).toEqual(['a', 'b']);
  });

  it('drops jobs no longer listed', () => {
    expect([...pruneSelection(new Set(['a', 'gone']), [job('a')])]).toEqual(['a']);
  });

  it('knows which actions apply to which states', () => {
    expect(canApply('cancel', job('a', { status: 'running' }))).toBe(true);
    expect(canApply('cancel', job('a', { status: 'failed' }))).toBe(false);
    expect(canApply('retry', job('a', { status: 'failed' }))).toBe(true);
    expect(canApply('retry', job('a', { status: 'succeeded' }))).toBe(true);
    expect(canApply('retry', job('a', { status: 'running' }))).toBe(false);
    expect(canApply('delete', job('a', { status: 'succeeded' }))).toBe(true);
    expect(canApply('delete', job('a', { status: 'queued' }))).toBe(false);
  });

  it('offers Resume only for a fine-tune that stopped early with a checkpoint', () => {
    const checkpoint = { step: 5, path: '/out/checkpoint-5' };
    expect(canResume(job('a', { type: 'train', status: 'interrupted', latestCheckpoint: checkpoint }))).toBe(true);
    expect(canResume(job('a', { type: 'train', status: 'canceled', latestCheckpoint: checkpoint }))).toBe(true);
    expect(canResume(job('a', { type: 'train', status: 'failed', latestCheckpoint: null }))).toBe(false);
    expect(canResume(job('a', { type: 'train', status: 'succeeded', latestCheckpoint: checkpoint }))).toBe(false);
    expect(canResume(job('a', { type: 'system-check', status: 'failed', latestCheckpoint: checkpoint }))).toBe(false);
  });
});
