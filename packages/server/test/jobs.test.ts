import { jobStatuses, jobTransitions, systemCheckResultSchema, type Job, type JobEvent } from '@qlora-studio/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { insertJob, setJobStatus } from '../src/store/jobs-repo.js';
import { openDatabase } from '../src/store/database.js';
import { createSystemCheck, fixture, makeApp, tempHome, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
const apps: App[] = [];
async function app(options: Parameters<typeof makeApp>[0] = {}): Promise<App> {
  const created = await makeApp(options);
  apps.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  delete process.env.STUBBORN;
});

async function events(a: App, id: string): Promise<JobEvent[]> {
  return (await a.inject({ url: `/api/jobs/${id}/events` })).json<{ events: JobEvent[] }>().events;
}

describe('job state machine', () => {
  it('allows exactly the documented transitions', () => {
    const db = openDatabase(':memory:');
    for (const from of jobStatuses) {
      for (const to of jobStatuses) {
        const job = insertJob(db, { type: 'system-check', title: 'x', config: {} });
        // Walk the job to `from` along allowed transitions first.
        const path = from === 'queued' ? [] : from === 'running' ? ['running'] : jobTransitions.queued.includes(from) ? [from] : ['running', from];
        for (const step of path) setJobStatus(db, job.id, step as Job['status']);
        const attempt = () => setJobStatus(db, job.id, to);
        if (jobTransitions[from].includes(to)) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(/cannot go from/);
      }
    }
    db.close();
  });
});

describe('system check job', () => {
  it('runs in a child process, streams typed events, and stores its result', async () => {
    const a = await app();
    const job = await createSystemCheck(a, { benchmarkSeconds: 0.2, matrixSize: 128 });
    expect(job.status).toBe('queued');
    const done = await waitForStatus(a, job.id, ['succeeded', 'failed']);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const result = systemCheckResultSchema.parse(done.result);
    expect(result.bestGflops).toBeGreaterThan(0);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();

    const list = await events(a, job.id);
    const statuses = list.filter((e) => e.kind === 'status').map((e) => (e.kind === 'status' ? e.status : ''));
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(list.map((e) => e.id)).toEqual([...list.map((e) => e.id)].sort((x, y) => x - y));
    expect(list.some((e) => e.kind === 'progress')).toBe(true);
    expect(list.some((e) => e.kind === 'log')).toBe(true);
    expect(list.filter((e) => e.kind === 'result')).toHaveLength(1);

    const metrics = (await a.inject({ url: `/api/jobs/${job.id}/metrics` })).json<{ series: { name: string }[] }>();
    expect(metrics.series.length).toBeGreaterThan(0);
    const activity = (await a.inject({ url: '/api/activity' })).json<{ events: { kind: string; jobId: string | null }[] }>();
    expect(activity.events.filter((e) => e.jobId === job.id).map((e) => e.kind)).toEqual(['job.succeeded', 'job.started', 'job.queued']);
  });
});

describe('worker failures', () => {
  it('marks a job whose worker is killed as failed, in plain words', async () => {
    const a = await app({ workerPath: fixture('crash-worker.ts') });
    const job = await createSystemCheck(a);
    const done = await waitForStatus(a, job.id, ['failed', 'succeeded']);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/killed \(SIGKILL\)/);
    expect(done.error?.hint).toMatch(/memory/);
    expect(done.progress?.step).toBe(1);
  });

  it('marks a worker that exits without an outcome as failed, quoting its last output', async () => {
    const a = await app({ workerPath: fixture('exit-worker.ts') });
    const job = await createSystemCheck(a);
    const done = await waitForStatus(a, job.id, ['failed', 'succeeded']);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/exited with code 3/);
    expect(done.error?.message).toMatch(/something went badly wrong/);
    const logs = (await events(a, job.id)).filter((e) => e.kind === 'log');
    expect(logs.some((e) => e.kind === 'log' && e.message.includes('something went badly wrong'))).toBe(true);
  });
});

describe('cancel', () => {
  it('stops a running job gracefully, long before any forced stop', async () => {
    const a = await app({ workerPath: fixture('slow-worker.ts') });
    await a.inject({ method: 'PATCH', url: '/api/settings', payload: { cancelGraceSeconds: 600 } });
    const job = await createSystemCheck(a);
    await waitForStatus(a, job.id, ['running']);
    const res = await a.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    expect(res.statusCode).toBe(202);
    expect(res.json<Job>().cancelRequestedAt).not.toBeNull();
    expect((await waitForStatus(a, job.id, ['canceled', 'failed'], 3000)).status).toBe('canceled');
  });

  it('cancels a real system check through the engine abort signal', async () => {
    const a = await app();
    await a.inject({ method: 'PATCH', url: '/api/settings', payload: { cancelGraceSeconds: 600 } });
    const job = await createSystemCheck(a, { benchmarkSeconds: 30, matrixSize: 256 });
    await waitForStatus(a, job.id, ['running']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await a.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    const done = await waitForStatus(a, job.id, ['canceled', 'failed', 'succeeded'], 8000);
    expect(done.status).toBe('canceled');
    expect(done.error).toBeNull();
  });

  it('kills a job that ignores cancel once the grace period is over', async () => {
    process.env.STUBBORN = '1';
    const a = await app({ workerPath: fixture('slow-worker.ts') });
    await a.inject({ method: 'PATCH', url: '/api/settings', payload: { cancelGraceSeconds: 1 } });
    const job = await createSystemCheck(a);
    await waitForStatus(a, job.id, ['running']);
    const asked = Date.now();
    await a.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    expect((await waitForStatus(a, job.id, ['canceled', 'failed'])).status).toBe('canceled');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(900);
  });

  it('cancels a queued job at once and refuses to cancel a finished one', async () => {
    const a = await app({ workerPath: fixture('slow-worker.ts') });
    const first = await createSystemCheck(a);
    const second = await createSystemCheck(a);
    await waitForStatus(a, first.id, ['running']);
    expect((await a.inject({ url: `/api/jobs/${second.id}` })).json<Job>().status).toBe('queued');
    const res = await a.inject({ method: 'POST', url: `/api/jobs/${second.id}/cancel` });
    expect(res.json<Job>().status).toBe('canceled');
    const again = await a.inject({ method: 'POST', url: `/api/jobs/${second.id}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('JOB_NOT_CANCELABLE');
    await a.inject({ method: 'POST', url: `/api/jobs/${first.id}/cancel` });
  });
});

describe('queue', () => {
  it('runs one job at a time by default, and more when concurrency is raised', async () => {
    const a = await app({ workerPath: fixture('slow-worker.ts') });
    const first = await createSystemCheck(a);
    const second = await createSystemCheck(a);
    await waitForStatus(a, first.id, ['running']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await a.inject({ url: `/api/jobs/${second.id}` })).json<Job>().status).toBe('queued');
    await a.inject({ method: 'PATCH', url: '/api/settings', payload: { jobConcurrency: 2 } });
    await waitForStatus(a, second.id, ['running']);
    for (const id of [first.id, second.id]) await a.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    await waitForStatus(a, second.id, ['canceled']);
  });

  it('deletes only finished jobs', async () => {
    const a = await app({ workerPath: fixture('slow-worker.ts') });
    const job = await createSystemCheck(a);
    await waitForStatus(a, job.id, ['running']);
    const refused = await a.inject({ method: 'DELETE', url: `/api/jobs/${job.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('JOB_NOT_DELETABLE');
    await a.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    await waitForStatus(a, job.id, ['canceled']);
    expect((await a.inject({ method: 'DELETE', url: `/api/jobs/${job.id}` })).statusCode).toBe(204);
    expect((await a.inject({ url: `/api/jobs/${job.id}` })).json().error.code).toBe('JOB_NOT_FOUND');
    expect((await a.inject({ url: `/api/jobs/${job.id}/events` })).statusCode).toBe(404);
  });
});

describe('restart', () => {
  it('marks jobs a dead server left running as interrupted and keeps everything else', async () => {
    const home = tempHome();
    const first = await buildApp({ home, webRoot: null });
    const running = first.ctx.jobs.create({ type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } });
    first.ctx.jobs.setStatus(running.id, 'running');
    const queued = first.ctx.jobs.create({ type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } });
    const finished = first.ctx.jobs.create({ type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } });
    first.ctx.jobs.setStatus(finished.id, 'canceled');
    // Simulate a crash: the database is left as is, without the graceful shutdown.
    first.ctx.db.close();

    const second = await app({ home, workerPath: fixture('slow-worker.ts') });
    const after = (id: string) => second.inject({ url: `/api/jobs/${id}` }).then((r) => r.json<Job>());
    const interrupted = await after(running.id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.error?.message).toMatch(/server stopped/);
    expect((await after(finished.id)).status).toBe('canceled');
    expect(['queued', 'running']).toContain((await after(queued.id)).status);
    const activity = (await second.inject({ url: '/api/activity' })).json<{ events: { kind: string }[] }>();
    expect(activity.events.map((e) => e.kind)).toContain('job.interrupted');
    await second.inject({ method: 'POST', url: `/api/jobs/${queued.id}/cancel` });
  });
});
