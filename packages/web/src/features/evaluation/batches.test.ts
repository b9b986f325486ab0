import type { EvaluationSummary } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { chooseBase, comparisons, currentAttempts, formatMetric, groupByBatch, headlineMetric, retryable } from './batches';
import { evaluation } from './results/test-evaluations';

const bench = { id: 'b1', name: 'Quiz', version: 1, task: 'multiple-choice' as const };
/** A succeeded summary in batch1 on `bench`; `patch` replaces any field. */
const summary = (jobId: string, patch: Partial<EvaluationSummary> = {}): EvaluationSummary =>
  evaluation({ jobId, batchId: 'batch1', benchmark: bench, model: { id: 'm1', name: 'Tiny' }, createdAt: '2025-01-01T00:00:00Z', finishedAt: null, ...patch });
const withAdapter = { ref: 't1', label: 'Tune' };

describe('groupByBatch', () => {
  it('groups by batch, newest batch first, jobs in queue order, with status counts', () => {
    const groups = groupByBatch([
      summary('b', { createdAt: '2025-01-02T00:00:01Z', status: 'running' }),
      summary('a', { createdAt: '2025-01-02T00:00:00Z' }),
      summary('old', { batchId: 'batch0', createdAt: '2025-01-01T00:00:00Z' }),
      summary('cli', { batchId: null, createdAt: '2025-01-01T12:00:00Z' }),
    ]);
    expect(groups.map((g) => g.key)).toEqual(['batch1', 'job:cli', 'batch0']);
    expect(groups[0]!.jobs.map((j) => j.jobId)).toEqual(['a', 'b']);
    expect(groups[0]!.counts).toEqual({ succeeded: 1, running: 1 });
  });

  it('keeps the launch order of jobs queued in the same instant (the API lists newest first)', () => {
    const [g] = groupByBatch([summary('second'), summary('first')]);
    expect(g!.jobs.map((j) => j.jobId)).toEqual(['first', 'second']);
  });
});

describe('retries', () => {
  it('treats a retried job as replaced by its retry', () => {
    const jobs = [summary('a', { status: 'failed' }), summary('a2', { parentId: 'a' }), summary('c', { status: 'canceled' })];
    expect(currentAttempts(jobs).map((j) => j.jobId)).toEqual(['a2', 'c']);
    expect(retryable(groupByBatch(jobs)[0]!).map((j) => j.jobId)).toEqual(['c']);
  });
});

describe('comparisons', () => {
  it('puts the job without an adapter first', () => {
    const [c] = comparisons([summary('tuned', { adapter: withAdapter }), summary('base')]);
    expect(c).toMatchObject({ jobIds: ['base', 'tuned'], blocked: null });
    expect(chooseBase([summary('x', { adapter: withAdapter }), summary('y', { adapter: withAdapter })])?.jobId).toBe('x');
  });

  it('compares only jobs of the same benchmark version and item limit, and needs two', () => {
    const cs = comparisons([
      summary('a'),
      summary('b', { adapter: withAdapter }),
      summary('c', { limit: 10 }),
      summary('d', { benchmark: { ...bench, version: 2 } }),
    ]);
    expect(cs.map((c) => c.jobIds)).toEqual([['a', 'b']]);
  });

  it('says why a comparison is not ready', () => {
    expect(comparisons([summary('a'), summary('b', { status: 'running', adapter: withAdapter })])[0]!.blocked).toMatch(/1 of 2 finished/);
    expect(comparisons([summary('a'), summary('b', { status: 'failed', adapter: withAdapter })])[0]!.blocked).toMatch(/did not succeed/);
  });

  it('uses the retry in place of the failed job', () => {
    const [c] = comparisons([summary('a'), summary('b', { status: 'failed', adapter: withAdapter }), summary('b2', { parentId: 'b', adapter: withAdapter })]);
    expect(c).toMatchObject({ jobIds: ['a', 'b2'], blocked: null });
  });
});

describe('metrics', () => {
  it('picks the headline metric and formats rates as percentages', () => {
    expect(headlineMetric({ accuracy_norm: 0.4, accuracy: 0.734 })).toEqual({ name: 'accuracy', value: 0.734 });
    expect(headlineMetric({ loss: 2, perplexity: 7.389 })).toEqual({ name: 'perplexity', value: 7.389 });
    expect(headlineMetric(null)).toBeNull();
    expect(formatMetric('accuracy', 0.734)).toBe('73.4%');
    expect(formatMetric('bleu', 0.5)).toBe('0.500');
  });
});
