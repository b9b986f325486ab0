/**
 * Batches of evaluate jobs, canceled and retried through the API. The worker is the slow test
 * worker (it works until canceled), so a batch stays queued and running while the test acts on
 * it, and nothing depends on how fast a model scores.
 */
import type { BaseModel, Benchmark, Dataset, EvaluationBatch, EvaluationBatchCancel, EvaluationList, Job } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemCheck, fixture, makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
const benchmarks: Benchmark[] = [];

const rows = [
  { question: 'What is 2 + 2?', choices: ['3', '4', '5'], answer: '4', reference: 'Four.' },
  { question: 'Which colour is the sky?', choices: ['Blue', 'Green', 'Red'], answer: 'Blue', reference: 'Blue.' },
];

beforeAll(async () => {
  app = await makeApp({ workerPath: fixture('slow-worker.ts') });
  await app.inject({ method: 'PATCH', url: '/api/settings', payload: { cancelGraceSeconds: 1 } });
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const upload = await app.inject({
    method: 'POST',
    url: '/api/datasets/upload?fileName=quiz.jsonl',
    headers: { 'content-type': 'application/octet-stream' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  const dataset = upload.json<Dataset>();
  const defs = [
    { name: 'Quiz', task: 'multiple-choice', fields: { question: 'question', choices: 'choices', answer: 'answer' } },
    { name: 'Quiz loss', task: 'loss', fields: { question: 'question', answer: 'reference' } },
    { name: 'Quiz generation', task: 'generate', fields: { question: 'question', answer: 'reference' } },
  ];
  for (const def of defs) {
    const res = await app.inject({ method: 'POST', url: '/api/benchmarks', payload: { datasetId: dataset.id, ...def } });
    expect(res.statusCode, res.body).toBe(201);
    benchmarks.push(res.json<Benchmark>());
  }
});
afterAll(() => app.close());

async function launch(ids: string[]): Promise<EvaluationBatch> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/evaluations',
    payload: { models: [{ modelId: model.id }], benchmarks: ids.map((id) => ({ id })) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<EvaluationBatch>();
}

const getJob = async (id: string): Promise<Job> => (await app.inject({ url: `/api/jobs/${id}` })).json<Job>();

async function cancelBatch(batchId: string): Promise<EvaluationBatchCancel> {
  const res = await app.inject({ method: 'POST', url: `/api/evaluations/batches/${batchId}/cancel` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<EvaluationBatchCancel>();
}

/** Cancels whatever of the batch still runs and waits until all of it has stopped. */
async function settle(jobs: Job[]): Promise<Job[]> {
  const active = jobs.filter((j) => j.status === 'queued' || j.status === 'running');
  for (const job of active) await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
  return Promise.all(jobs.map((j) => waitForStatus(app, j.id, ['canceled', 'failed', 'succeeded', 'interrupted'])));
}

describe('evaluation batches', () => {
  it('cancels every queued and running job of a batch, and retries each pair whose newest job was canceled or failed', async () => {
    const batch = await launch(benchmarks.map((b) => b.id));
    const [first, second, third] = batch.jobs;
    await waitForStatus(app, first!.id, ['running']);
    expect((await getJob(second!.id)).status).toBe('queued');

    // The running job reports progress; the results list shows it.
    const deadline = Date.now() + 10_000;
    let summaries = (await app.inject({ url: `/api/evaluations?batchId=${batch.batchId}` })).json<EvaluationList>().evaluations;
    while (!summaries.find((s) => s.jobId === first!.id)?.progress && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      summaries = (await app.inject({ url: `/api/evaluations?batchId=${batch.batchId}` })).json<EvaluationList>().evaluations;
    }
    expect(summaries.find((s) => s.jobId === first!.id)).toMatchObject({ status: 'running', progress: { total: 1000 }, error: null, parentId: null });

    const canceled = await cancelBatch(batch.batchId);
    expect(canceled.batchId).toBe(batch.batchId);
    expect(canceled.canceled).toBe(3);
    // Queued jobs are canceled at once; the running one is asked to stop.
    const byId = new Map(canceled.jobs.map((j) => [j.id, j]));
    expect(byId.get(second!.id)?.status).toBe('canceled');
    expect(byId.get(third!.id)?.status).toBe('canceled');
    expect(byId.get(first!.id)?.cancelRequestedAt).not.toBeNull();
    expect((await waitForStatus(app, first!.id, ['canceled', 'failed'])).status).toBe('canceled');
    // Each cancellation is in Activity, as a single job's is.
    const activity = (await app.inject({ url: '/api/activity' })).json<{ events: { kind: string; jobId: string | null }[] }>().events;
    for (const job of batch.jobs) expect(activity).toContainEqual(expect.objectContaining({ kind: 'job.canceled', jobId: job.id }));
    // Nothing left to cancel: none canceled, no error.
    expect((await cancelBatch(batch.batchId)).canceled).toBe(0);

    const retried = await app.inject({ method: 'POST', url: `/api/evaluations/batches/${batch.batchId}/retry` });
    expect(retried.statusCode, retried.body).toBe(201);
    const again = retried.json<EvaluationBatch>();
    expect(again.batchId).toBe(batch.batchId);
    expect(again.jobs.map((j) => j.parentId)).toEqual(batch.jobs.map((j) => j.id));
    expect(again.jobs.map((j) => j.title)).toEqual(batch.jobs.map((j) => j.title));
    expect(again.jobs.every((j) => j.status === 'queued' || j.status === 'running')).toBe(true);
    expect(again.jobs.map((j) => (j.config as { benchmarkId: string }).benchmarkId)).toEqual(benchmarks.map((b) => b.id));

    // While the retried jobs are queued or running there is nothing to retry.
    const busy = await app.inject({ method: 'POST', url: `/api/evaluations/batches/${batch.batchId}/retry` });
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ error: { code: 'EVALUATION_BATCH_NOT_RETRYABLE', message: expect.stringMatching(/3 are still queued or running/) } });

    // One pair succeeds, one fails, one is canceled; a retry takes the failed and canceled pairs, from their newest jobs.
    const [a, b, c] = again.jobs;
    await waitForStatus(app, a!.id, ['running']);
    app.ctx.jobs.setStatus(b!.id, 'running');
    app.ctx.jobs.setStatus(b!.id, 'succeeded');
    app.ctx.jobs.setStatus(c!.id, 'running');
    app.ctx.jobs.setStatus(c!.id, 'failed', { message: 'The model ran out of memory.', hint: 'Use nf4.' });
    await cancelBatch(batch.batchId);
    await waitForStatus(app, a!.id, ['canceled']);

    const list = (await app.inject({ url: `/api/evaluations?batchId=${batch.batchId}` })).json<EvaluationList>().evaluations;
    expect(list).toHaveLength(6);
    expect(list.find((s) => s.jobId === c!.id)).toMatchObject({ status: 'failed', error: { message: 'The model ran out of memory.' }, parentId: third!.id });
    expect(list.find((s) => s.jobId === a!.id)).toMatchObject({ status: 'canceled', parentId: first!.id });

    const thirdRound = await app.inject({ method: 'POST', url: `/api/evaluations/batches/${batch.batchId}/retry` });
    expect(thirdRound.statusCode, thirdRound.body).toBe(201);
    const last = thirdRound.json<EvaluationBatch>().jobs;
    expect(last.map((j) => j.parentId)).toEqual([a!.id, c!.id]);
    await settle(last);
  }, 60_000);

  it('refuses a retry when every pair succeeded, saying what to do instead', async () => {
    // A system check holds the only job slot, so the evaluation waits in the queue…
    const holder = await createSystemCheck(app);
    await waitForStatus(app, holder.id, ['running']);
    const batch = await launch([benchmarks[1]!.id]);
    const [job] = batch.jobs;
    expect(job!.status).toBe('queued');
    // …where it is finished by hand (the test worker never succeeds).
    app.ctx.jobs.setStatus(job!.id, 'running');
    app.ctx.jobs.setStatus(job!.id, 'succeeded');
    await settle([holder]);
    const res = await app.inject({ method: 'POST', url: `/api/evaluations/batches/${batch.batchId}/retry` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: { code: 'EVALUATION_BATCH_NOT_RETRYABLE', message: expect.stringMatching(/succeeded: there is nothing to retry\. Launch the batch again/) },
    });
  }, 30_000);

  it('answers an unknown batch with EVALUATION_BATCH_NOT_FOUND', async () => {
    for (const action of ['cancel', 'retry']) {
      const res = await app.inject({ method: 'POST', url: `/api/evaluations/batches/batch_missing/${action}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'EVALUATION_BATCH_NOT_FOUND', message: expect.stringContaining('batch_missing') } });
    }
  });

  it('refuses to delete a benchmark while an evaluate job on it is queued', async () => {
    // A system check holds the only job slot, so the evaluation waits in the queue.
    const holder = await createSystemCheck(app);
    await waitForStatus(app, holder.id, ['running']);
    const batch = await launch([benchmarks[2]!.id]);
    expect((await getJob(batch.jobs[0]!.id)).status).toBe('queued');
    const refused = await app.inject({ method: 'DELETE', url: `/api/benchmarks/${benchmarks[2]!.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'BENCHMARK_IN_USE', message: expect.stringContaining(`"Quiz generation" is used by evaluate job ${batch.jobs[0]!.id}`) },
    });
    await cancelBatch(batch.batchId);
    await settle([holder]);
    expect((await app.inject({ method: 'DELETE', url: `/api/benchmarks/${benchmarks[2]!.id}` })).statusCode).toBe(204);
  }, 30_000);
});
