/**
 * Retry, resume, delete-with-files and the overview through the API: a canceled fine-tune
 * resumes from its newest checkpoint to the same adapter bytes as an uninterrupted run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { processMetricNames, type BaseModel, type Dataset, type Job, type JobMetrics, type Overview } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, tempHome, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let home: string;
let model: BaseModel;
let dataset: Dataset;

const rows = Array.from({ length: 12 }, (_, i) => ({
  messages: [
    { role: 'user', content: `What is ${i} + ${i}?` },
    { role: 'assistant', content: `It is ${2 * i}.` },
  ],
}));

beforeAll(async () => {
  home = tempHome();
  app = await makeApp({ home });
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const body = rows.map((r) => JSON.stringify(r)).join('\n');
  dataset = (
    await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=sums.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    })
  ).json<Dataset>();
});
afterAll(async () => {
  await app.close();
});

const config = (steps: number) => ({
  modelId: model.id,
  datasetId: dataset.id,
  maxSteps: steps,
  seqLen: 64,
  batchSize: 2,
  learningRate: 1e-3,
  checkpointEvery: 2,
  lora: { r: 4, dropout: 0.1 },
});
async function post<T>(url: string, payload?: Record<string, unknown>): Promise<{ status: number; body: T }> {
  const res = await app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: res.json<T>() };
}
const outputDir = (job: Job): string => (job.config as { resolved: { outputDir: string } }).resolved.outputDir;
const adapterBytes = (job: Job): Buffer => fs.readFileSync(path.join(outputDir(job), 'adapter_model.safetensors'));

describe('job actions', () => {
  it('retries a finished job with the same config into a new folder, naming its parent', async () => {
    const first = (await post<Job>('/api/jobs', { type: 'train', config: config(2) })).body;
    const done = await waitForStatus(app, first.id, ['succeeded', 'failed'], 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.latestCheckpoint).toBeNull(); // the last step writes the adapter, not a checkpoint
    const retry = await post<Job>(`/api/jobs/${first.id}/retry`);
    expect(retry.status).toBe(201);
    expect(retry.body.parentId).toBe(first.id);
    expect(outputDir(retry.body)).not.toBe(outputDir(first));
    const again = await waitForStatus(app, retry.body.id, ['succeeded', 'failed'], 60_000);
    expect(adapterBytes(again).equals(adapterBytes(done))).toBe(true); // same seed, same data, same bytes
    // Process metrics were sampled while it ran (when it ran long enough for one sample).
    const metrics = (await app.inject({ url: `/api/jobs/${first.id}/metrics` })).json<JobMetrics>();
    expect(metrics.series.map((s) => s.name)).toEqual(expect.arrayContaining(['loss', 'tokens']));
    expect(Object.values(processMetricNames)).toContain('process_rss_bytes');
    // Not resumable: it finished.
    const refused = await post<{ error: { code: string } }>(`/api/jobs/${first.id}/resume`);
    expect(refused.body.error.code).toBe('JOB_NOT_RESUMABLE');
  }, 120_000);

  it('resumes a canceled fine-tune from its newest checkpoint to the same adapter as an uninterrupted run', async () => {
    const steps = 60;
    const full = await waitForStatus(app, (await post<Job>('/api/jobs', { type: 'train', config: config(steps) })).body.id, ['succeeded', 'failed'], 120_000);
    expect(full.status, JSON.stringify(full.error)).toBe('succeeded');

    const run = (await post<Job>('/api/jobs', { type: 'train', config: config(steps) })).body;
    const deadline = Date.now() + 60_000;
    let job = run;
    while (!(job.latestCheckpoint && job.latestCheckpoint.step >= 4) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      job = (await app.inject({ url: `/api/jobs/${run.id}` })).json<Job>();
    }
    expect(job.status).toBe('running'); // caught mid-run
    await post(`/api/jobs/${run.id}/cancel`);
    const canceled = await waitForStatus(app, run.id, ['canceled', 'succeeded'], 60_000);
    expect(canceled.status).toBe('canceled');
    expect(canceled.latestCheckpoint!.step).toBeGreaterThanOrEqual(4);

    const resumed = await post<Job>(`/api/jobs/${run.id}/resume`);
    expect(resumed.status).toBe(201);
    expect(resumed.body.parentId).toBe(run.id);
    expect(outputDir(resumed.body)).toBe(outputDir(run));
    const done = await waitForStatus(app, resumed.body.id, ['succeeded', 'failed'], 120_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(adapterBytes(done).equals(adapterBytes(full))).toBe(true);
    const summary = (job: Job) => JSON.parse(fs.readFileSync(path.join(outputDir(job), 'training_summary.json'), 'utf8')) as { metrics: { loss: number }[] };
    expect(summary(done).metrics.at(-1)!.loss).toBe(summary(full).metrics.at(-1)!.loss);

    // Deleting the parent keeps the folder its resumed child still uses; deleting both removes it.
    expect((await app.inject({ method: 'DELETE', url: `/api/jobs/${run.id}` })).statusCode).toBe(204);
    expect(fs.existsSync(outputDir(done))).toBe(true);
    expect((await app.inject({ method: 'DELETE', url: `/api/jobs/${done.id}` })).statusCode).toBe(204);
    expect(fs.existsSync(outputDir(done))).toBe(false);
  }, 300_000);

  it('counts models, adapters, datasets, jobs and tokens for the Dashboard', async () => {
    const overview = (await app.inject({ url: '/api/overview' })).json<Overview>();
    expect(overview.models).toBe(1);
    expect(overview.datasets).toBe(1);
    expect(overview.adapters).toBeGreaterThanOrEqual(2);
    expect(overview.jobs.succeeded).toBeGreaterThanOrEqual(2);
    expect(overview.tokensTrained).toBeGreaterThan(0);
  });
});
