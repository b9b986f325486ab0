/** Jobs are named by what sets them apart, can be named at launch and renamed, and keep the name on retry. */
import type { ActivityEvent, BaseModel, Dataset, ErrorBody, Job } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let dataset: Dataset;

beforeAll(async () => {
  app = await makeApp();
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const rows = Array.from({ length: 4 }, (_, i) => JSON.stringify({ prompt: `What is ${i} + ${i}?`, completion: ` ${2 * i}` })).join('\n');
  const upload = (payload: string) =>
    app.inject({ method: 'POST', url: '/api/datasets/upload?fileName=gsm8k300.jsonl', headers: { 'content-type': 'application/octet-stream' }, payload });
  dataset = (await upload(rows)).json<Dataset>();
  // A second version: the name says which one the job reads.
  const v2 = await app.inject({
    method: 'POST',
    url: `/api/datasets/${dataset.id}/upload?fileName=gsm8k300.jsonl`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: `${rows}\n`,
  });
  expect(v2.statusCode, v2.body).toBe(201);
});
afterAll(() => app.close());

const createTrain = (extra: Record<string, unknown> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/jobs',
    payload: { type: 'train', config: { modelId: model.id, datasetId: dataset.id, maxSteps: 1, seqLen: 64, lora: { r: 8 } }, ...extra },
  });

describe('job names', () => {
  it('names a fine-tune from its model, dataset version and method by default', async () => {
    const res = await createTrain();
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json<Job>();
    expect(job.title).toBe(`${model.name} · gsm8k300 v2 · QLoRA r8`);
    await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    const activity = (await app.inject({ url: '/api/activity' })).json<{ events: ActivityEvent[] }>();
    expect(activity.events.map((a) => a.message)).toContain(`Fine-tune queued (${model.name} · gsm8k300 v2 · QLoRA r8)`);
  });

  it('takes the name given at launch, and renames a job afterwards', async () => {
    const job = (await createTrain({ title: '  first try  ' })).json<Job>();
    expect(job.title).toBe('first try');
    await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    const renamed = await app.inject({ method: 'PATCH', url: `/api/jobs/${job.id}`, payload: { title: 'baseline, lr 2e-4' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json<Job>().title).toBe('baseline, lr 2e-4');
    expect((await app.inject({ url: `/api/jobs/${job.id}` })).json<Job>().title).toBe('baseline, lr 2e-4');
    const empty = await app.inject({ method: 'PATCH', url: `/api/jobs/${job.id}`, payload: { title: ' ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<ErrorBody>().error.message).toContain('Give the job a name');
    expect((await app.inject({ method: 'PATCH', url: '/api/jobs/nope', payload: { title: 'x' } })).json<ErrorBody>().error.code).toBe('JOB_NOT_FOUND');
  });

  it('keeps the name when a job is retried', async () => {
    const check = (
      await app.inject({
        method: 'POST',
        url: '/api/jobs',
        payload: { type: 'system-check', config: { benchmarkSeconds: 0.2, matrixSize: 64 }, title: 'Speed after the update' },
      })
    ).json<Job>();
    expect(check.title).toBe('Speed after the update');
    await waitForStatus(app, check.id, ['succeeded', 'failed'], 60_000);
    const retried = (await app.inject({ method: 'POST', url: `/api/jobs/${check.id}/retry` })).json<Job>();
    expect(retried).toMatchObject({ title: 'Speed after the update', parentId: check.id });
    await waitForStatus(app, retried.id, ['succeeded', 'failed'], 60_000);
  }, 120_000);
});
