import type { EvaluationList, EvaluationSummary, Job, JobEvent, JobList } from '@qlora-studio/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { evaluationKeys, jobKeys } from '../query-keys';
import { applyLiveJobEvent } from './live-updates';
import { testJob as job } from './test-job';

const at = '2025-01-01T00:00:00.000Z';

function setup(jobs: Job[]) {
  const client = new QueryClient();
  client.setQueryData<JobList>(jobKeys.list({ limit: 100 }), { jobs });
  for (const j of jobs) client.setQueryData(jobKeys.detail(j.id), j);
  const invalidated: string[] = [];
  const apply = (event: JobEvent) => applyLiveJobEvent(client, event, (key) => invalidated.push(JSON.stringify(key)));
  const listed = (id: string) => client.getQueryData<JobList>(jobKeys.list({ limit: 100 }))!.jobs.find((j) => j.id === id);
  const detail = (id: string) => client.getQueryData<Job>(jobKeys.detail(id));
  return { apply, listed, detail, invalidated };
}

describe('applyLiveJobEvent', () => {
  it('patches a status change into lists and details at once, then asks for a refetch', () => {
    const t = setup([job('a')]);
    t.apply({ id: 1, jobId: 'a', at, kind: 'status', status: 'running', error: null });
    expect(t.listed('a')?.status).toBe('running');
    expect(t.detail('a')?.status).toBe('running');
    expect(t.invalidated).toContain(JSON.stringify(jobKeys.lists()));
    expect(t.invalidated).toContain(JSON.stringify(['activity']));
  });

  it('carries the failure reason', () => {
    const t = setup([job('a', { status: 'running' })]);
    t.apply({ id: 2, jobId: 'a', at, kind: 'status', status: 'failed', error: { message: 'Boom', hint: 'Try less.' } });
    expect(t.detail('a')?.error).toEqual({ message: 'Boom', hint: 'Try less.' });
  });

  it('patches progress without refetching', () => {
    const t = setup([job('a', { status: 'running' })]);
    t.apply({ id: 3, jobId: 'a', at, kind: 'progress', step: 2, total: 4, etaSeconds: 5 });
    expect(t.listed('a')?.progress).toEqual({ step: 2, total: 4, etaSeconds: 5, message: undefined });
    expect(t.invalidated).toEqual([]);
  });

  it('stores the result on the job', () => {
    const t = setup([job('a', { status: 'running' })]);
    t.apply({ id: 4, jobId: 'a', at, kind: 'result', data: { bestGflops: 1 } });
    expect(t.detail('a')?.result).toEqual({ bestGflops: 1 });
  });

  it('refetches the lists for a job it has not seen (a new job)', () => {
    const t = setup([]);
    t.apply({ id: 5, jobId: 'new', at, kind: 'status', status: 'queued', error: null });
    expect(t.invalidated).toContain(JSON.stringify(jobKeys.lists()));
  });

  it('ignores log lines (only the job page shows them)', () => {
    const t = setup([job('a')]);
    t.apply({ id: 6, jobId: 'a', at, kind: 'log', level: 'info', message: 'hi' });
    expect(t.invalidated).toEqual([]);
  });

  it('refetches the evaluation lists when an evaluate job changes status or leaves a result, not for other jobs', () => {
    const t = setup([job('e', { type: 'evaluate' }), job('s')]);
    const results = JSON.stringify(evaluationKeys.results());
    t.apply({ id: 7, jobId: 's', at, kind: 'status', status: 'running', error: null });
    expect(t.invalidated).not.toContain(results);
    t.apply({ id: 8, jobId: 'e', at, kind: 'status', status: 'succeeded', error: null });
    expect(t.invalidated).toContain(results);
    t.invalidated.length = 0;
    t.apply({ id: 9, jobId: 'e', at, kind: 'result', data: {} });
    expect(t.invalidated).toContain(results);
  });

  it('refetches the evaluation lists for a job no cache knows (it may be a new evaluation)', () => {
    const t = setup([]);
    t.apply({ id: 10, jobId: 'new', at, kind: 'status', status: 'queued', error: null });
    expect(t.invalidated).toContain(JSON.stringify(evaluationKeys.results()));
  });

  it("moves an evaluation's progress bar in the queue without a refetch", () => {
    const client = new QueryClient();
    const summary = { jobId: 'e', status: 'queued', progress: null } as unknown as EvaluationSummary;
    client.setQueryData<EvaluationList>(evaluationKeys.resultList({ limit: 200 }), { evaluations: [summary] });
    const invalidated: unknown[] = [];
    applyLiveJobEvent(client, { id: 11, jobId: 'e', at, kind: 'progress', step: 3, total: 10, etaSeconds: 7 }, (key) => invalidated.push(key));
    const after = client.getQueryData<EvaluationList>(evaluationKeys.resultList({ limit: 200 }))!.evaluations[0]!;
    expect(after.progress).toEqual({ step: 3, total: 10, etaSeconds: 7, message: undefined });
    expect(after.status).toBe('running');
    expect(invalidated).toEqual([]);
  });
});
