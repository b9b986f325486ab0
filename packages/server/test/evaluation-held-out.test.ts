/**
 * Benchmarks over the rows a fine-tune held out for validation: the same seeded split of the
 * same valid records as training (so a row that does not parse as a training record is in
 * neither part), checked against the fine-tune named, and scored by the worker on those rows only.
 */
import type { BaseModel, Benchmark, BenchmarkPreview, Dataset, EvaluateJobResult, EvaluationBatch, Job, JobEvent } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitIndices } from '../src/jobs/train-config.js';
import { makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let dataset: Dataset;
let train: Job;

const ratio = 0.25;
const seed = 7;
/** 20 lines; line 6 is not JSON and line 13 has no answer, so neither is a training record. */
const lines = Array.from({ length: 20 }, (_, i) =>
  i === 5
    ? '{not json'
    : i === 12
      ? JSON.stringify({ question: 'What is missing?' })
      : JSON.stringify({ question: `What is ${i} + ${i}?`, answer: `${2 * i}` }),
);
const invalidRows = [5, 12];

/** The dataset rows training holds out: the split of the valid records, mapped back to their rows. */
function expectedSplit(): { held: number[]; train: number[] } {
  const valid = lines.map((_, row) => row).filter((row) => !invalidRows.includes(row));
  const split = splitIndices(valid.length, ratio, seed);
  return { held: split.held.map((i) => valid[i]!), train: split.train.map((i) => valid[i]!) };
}

const heldOut = (jobId?: string) => ({ kind: 'held-out', ratio, seed, ...(jobId ? { jobId } : {}) });
const lossDef = { task: 'loss', fields: { question: 'question', answer: 'answer' } };

beforeAll(async () => {
  app = await makeApp();
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const upload = await app.inject({
    method: 'POST',
    url: '/api/datasets/upload?fileName=sums.jsonl',
    headers: { 'content-type': 'application/octet-stream' },
    payload: lines.join('\n') + '\n',
  });
  expect(upload.statusCode, upload.body).toBe(201);
  dataset = upload.json<Dataset>();
  expect(dataset.latest).toMatchObject({ records: 20, valid: 18 });
  const res = await app.inject({
    method: 'POST',
    url: '/api/jobs',
    payload: { type: 'train', config: { modelId: model.id, datasetId: dataset.id, validation: { kind: 'split', ratio, seed }, maxSteps: 1, seqLen: 32 } },
  });
  expect(res.statusCode, res.body).toBe(201);
  train = await waitForStatus(app, res.json<Job>().id, ['succeeded', 'failed'], 120_000);
  expect(train.error, JSON.stringify(train.error)).toBeNull();
}, 180_000);
afterAll(() => app.close());

async function create(name: string, rows: object): Promise<{ statusCode: number; body: string; json: <T>() => T }> {
  return app.inject({ method: 'POST', url: '/api/benchmarks', payload: { name, datasetId: dataset.id, ...lossDef, rows } });
}

describe('benchmarks over held-out rows', () => {
  it('has as items exactly the rows the fine-tune held out, none of its training rows', async () => {
    const { held, train: trained } = expectedSplit();
    expect(held.length).toBe(Math.round(18 * ratio));
    const res = await create('Held-out sums', heldOut(train.id));
    expect(res.statusCode, res.body).toBe(201);
    const benchmark = res.json<Benchmark>();
    expect(benchmark).toMatchObject({ items: held.length, rows: { kind: 'held-out', ratio, seed, jobId: train.id } });

    const preview = await app.inject({
      method: 'POST',
      url: '/api/benchmarks/preview',
      payload: { datasetId: dataset.id, ...lossDef, rows: heldOut(), count: 50 },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const body = preview.json<BenchmarkPreview>();
    expect(body.problems).toEqual([]);
    expect(body.rows).toBe(20);
    expect(body.items.map((i) => i.row)).toEqual(held);
    expect(body.items.map((i) => i.location)).toEqual(held.map((row) => `line ${row + 1}`));
    expect(body.items.some((i) => trained.includes(i.row) || invalidRows.includes(i.row))).toBe(false);

    // Training itself validated on as many records as the benchmark has items.
    const events = (await app.inject({ url: `/api/jobs/${train.id}/events?kind=log` })).json<{ events: JobEvent[] }>().events;
    const line = events.flatMap((e) => (e.kind === 'log' ? [e.message] : [])).find((m) => m.startsWith('Training on'));
    expect(line).toContain(`Training on ${trained.length} records`);
    expect(line).toContain(`validating on ${held.length}`);

    // The worker scores the same rows.
    const launched = await app.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: { models: [{ modelId: model.id }], benchmarks: [{ id: benchmark.id }] },
    });
    expect(launched.statusCode, launched.body).toBe(201);
    const job = await waitForStatus(app, launched.json<EvaluationBatch>().jobs[0]!.id, ['succeeded', 'failed'], 120_000);
    expect(job.error, JSON.stringify(job.error)).toBeNull();
    expect((job.result as EvaluateJobResult).items.map((i) => i.target)).toEqual(held.map((row) => `${2 * row}`));
  }, 180_000);

  it('refuses a fine-tune that did not hold out these rows, saying what is wrong', async () => {
    const refused = async (rows: object, message: RegExp) => {
      const res = await create('Wrong split', rows);
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('BENCHMARK_INVALID');
      expect(body.error.message).toMatch(message);
    };
    await refused({ ...heldOut(train.id), seed: 8 }, /held out a ratio of 0\.25 with seed 7, not 0\.25 with seed 8: use its ratio and seed/);
    await refused({ ...heldOut(train.id), ratio: 0.5 }, /held out a ratio of 0\.25 with seed 7, not 0\.5/);
    await refused(heldOut('job_missing'), /fine-tune job_missing, but there is no such job/);

    const check = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } } });
    await refused(heldOut(check.json<Job>().id), /is a system check job, not a fine-tune/i);

    const other = await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=other.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: lines.join('\n') + '\n',
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Other', datasetId: other.json<Dataset>().id, ...lossDef, rows: heldOut(train.id) },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/it trained on "sums", not on "other": choose the dataset it trained on/);
    await waitForStatus(app, check.json<Job>().id, ['succeeded', 'failed'], 60_000);
  }, 90_000);
});
