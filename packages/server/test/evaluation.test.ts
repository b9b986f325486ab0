/**
 * Benchmarks and evaluate jobs through the API (app.inject, a temp workspace, the demo model):
 * a benchmark made from an uploaded dataset, its preview, a bad mapping refused with every bad
 * row named, a batch of evaluate jobs (multiple choice and loss) run in the worker, and the same
 * batch again answered from the results cache.
 */
import path from 'node:path';
import type {
  BaseModel,
  Benchmark,
  BenchmarkPreview,
  Dataset,
  EvaluateJobResult,
  EvaluationBatch,
  EvaluationComparison,
  EvaluationList,
  Job,
} from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let dataset: Dataset;

const rows = [
  { question: 'What is 2 + 2?', choices: ['3', '4', '5'], answer: 1, reference: 'Four.' },
  { question: 'Which colour is the sky?', choices: ['Blue', 'Green', 'Red'], answer: 'Blue', reference: 'Blue.' },
  { question: 'How many legs has a cat?', choices: ['A) two', 'B) four', 'C) six'], answer: 'B', reference: 'Four legs.' },
];

beforeAll(async () => {
  app = await makeApp();
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const res = await app.inject({
    method: 'POST',
    url: '/api/datasets/upload?fileName=quiz.jsonl',
    headers: { 'content-type': 'application/octet-stream' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  expect(res.statusCode).toBe(201);
  dataset = res.json<Dataset>();
});
afterAll(async () => {
  await app.close();
});

const multipleChoice = { task: 'multiple-choice', fields: { question: 'question', choices: 'choices', answer: 'answer' } };
const loss = { task: 'loss', fields: { question: 'question', answer: 'reference' } };
const generate = { task: 'generate', fields: { question: 'question', answer: 'reference' }, generation: { maxNewTokens: 3, extractor: { kind: 'whole' } } };

async function createBenchmark(name: string, def: object): Promise<Benchmark> {
  const res = await app.inject({ method: 'POST', url: '/api/benchmarks', payload: { name, datasetId: dataset.id, ...def } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Benchmark>();
}

async function launch(benchmarks: Benchmark[]): Promise<EvaluationBatch> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/evaluations',
    payload: { models: [{ modelId: model.id }], benchmarks: benchmarks.map((b) => ({ id: b.id })), quant: 'nf4', kernels: 'fast' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<EvaluationBatch>();
}

describe('benchmarks and evaluate jobs', () => {
  let mc: Benchmark;
  let lossBenchmark: Benchmark;
  let generateBenchmark: Benchmark;
  // Jobs the comparison test reuses: the multiple-choice one, the loss one with the exact kernels and a limit, and the base and adapter on the loss benchmark.
  let mcJobId: string;
  let limitedLossJobId: string;
  let baseLossJobId: string;
  let adapterLossJobId: string;

  it('previews the rendered prompts of the first items', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/benchmarks/preview', payload: { datasetId: dataset.id, ...multipleChoice, count: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json<BenchmarkPreview>();
    expect(preview).toMatchObject({ rows: 3, problems: [] });
    expect(preview.items).toEqual([
      { row: 0, location: 'line 1', prompt: 'Question: What is 2 + 2?\nAnswer:', continuations: [' 3', ' 4', ' 5'], target: '4' },
      { row: 1, location: 'line 2', prompt: 'Question: Which colour is the sky?\nAnswer:', continuations: [' Blue', ' Green', ' Red'], target: 'Blue' },
    ]);
  });

  it('creates benchmarks from a stored dataset version, versioned like datasets', async () => {
    mc = await createBenchmark('Quiz', multipleChoice);
    expect(mc).toMatchObject({
      version: 1,
      datasetVersion: 1,
      task: 'multiple-choice',
      items: 3,
      template: { continuation: ' {choice}' },
      generation: null,
      versions: [1],
    });
    lossBenchmark = await createBenchmark('Quiz answers', loss);
    expect(lossBenchmark).toMatchObject({ task: 'loss', items: 3 });
    generateBenchmark = await createBenchmark('Quiz generation', generate);
    expect(generateBenchmark).toMatchObject({ task: 'generate', generation: { maxNewTokens: 3, stop: [], extractor: { kind: 'whole' } } });

    const edited = await app.inject({
      method: 'POST',
      url: `/api/benchmarks/${mc.id}/versions`,
      payload: { datasetId: dataset.id, ...multipleChoice, template: { prompt: 'Q: {question}\nA:', continuation: ' {choice}' } },
    });
    expect(edited.statusCode, edited.body).toBe(201);
    expect(edited.json<Benchmark>()).toMatchObject({ id: mc.id, name: 'Quiz', version: 2, versions: [2, 1] });
    expect((await app.inject({ url: `/api/benchmarks/${mc.id}?version=1` })).json<Benchmark>().template.prompt).toBe('Question: {question}\nAnswer:');
    const list = (await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks;
    expect(list.map((b) => [b.id, b.version])).toEqual(
      expect.arrayContaining([
        [mc.id, 2],
        [lossBenchmark.id, 1],
      ]),
    );
    expect((await app.inject({ url: `/api/benchmarks/${mc.id}?version=9` })).json()).toMatchObject({ error: { code: 'BENCHMARK_NOT_FOUND' } });
  });

  it('refuses a mapping that does not fit, naming every bad row, and stores nothing', async () => {
    const before = (await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks.length;
    const res = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Bad', datasetId: dataset.id, task: 'multiple-choice', fields: { question: 'question', choices: 'options', answer: 'answer' } },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json<{ error: { code: string; message: string; details: { problems: { location: string; message: string }[] } } }>();
    expect(body.error.code).toBe('BENCHMARK_INVALID');
    expect(body.error.message).toMatch(/3 of 3 rows of "quiz.*" v1 cannot become multiple-choice items/);
    expect(body.error.message).toContain('line 1: has no field "options"');
    expect(body.error.details.problems.map((p) => p.location)).toEqual(['line 1', 'line 2', 'line 3']);
    // A multiple-choice benchmark without choices is refused by the schema.
    const noChoices = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Bad', datasetId: dataset.id, ...loss, task: 'multiple-choice' },
    });
    expect(noChoices.statusCode).toBe(400);
    expect((await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks.length).toBe(before);
  });

  it('runs a batch of evaluate jobs in the worker, then answers the same batch from the cache', async () => {
    const batch = await launch([mc, lossBenchmark, generateBenchmark]);
    expect(batch.jobs.map((j) => j.type)).toEqual(['evaluate', 'evaluate', 'evaluate']);
    expect(batch.jobs[0]!.title).toBe(`${model.name} · Quiz v2`);
    const done = await Promise.all(batch.jobs.map((j) => waitForStatus(app, j.id, ['succeeded', 'failed'], 120_000)));
    for (const job of done) expect(job.error, JSON.stringify(job.error)).toBeNull();
    const [mcResult, lossResult, generateResult] = done.map((j) => j.result as EvaluateJobResult);
    expect(done[0]!.progress).toMatchObject({ step: 3, total: 3 });

    expect(mcResult).toMatchObject({
      cached: false,
      cachedFrom: null,
      quant: 'nf4',
      kernels: 'fast',
      limit: null,
      benchmark: { id: mc.id, version: 2, task: 'multiple-choice' },
    });
    expect(mcResult!.items).toHaveLength(3);
    for (const item of mcResult!.items) expect(item.choices).toHaveLength(3);
    const accuracy = mcResult!.items.filter((i) => i.correct).length / 3;
    expect(mcResult!.metrics.accuracy).toBeCloseTo(accuracy, 12);
    expect(mcResult!.items.map((i) => i.target)).toEqual(['4', 'Blue', 'four']);
    // The prediction is the choice with the highest log-probability.
    for (const item of mcResult!.items) {
      const best = item.choices!.reduce((a, b) => (b.logprob > a.logprob ? b : a));
      expect(item.prediction).toBe(best.text);
    }

    expect(lossResult!.metrics.loss).toBeGreaterThan(0);
    expect(lossResult!.metrics.perplexity).toBeCloseTo(Math.exp(lossResult!.metrics.loss!), 9);
    expect(lossResult!.items.every((i) => typeof i.nll === 'number' && (i.tokens ?? 0) > 0)).toBe(true);

    expect(Object.keys(generateResult!.metrics).sort()).toEqual(['bleu', 'chrf', 'exact_match', 'f1', 'rouge_l']);
    expect(generateResult!.items.map((i) => i.target)).toEqual(['Four.', 'Blue.', 'Four legs.']);
    expect(generateResult!.items.every((i) => typeof i.output === 'string')).toBe(true);

    const again = await launch([mc, lossBenchmark]);
    expect(again.batchId).not.toBe(batch.batchId);
    // Answered at once: already succeeded when the launch returns.
    expect(again.jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']);
    const [mcCached, lossCached] = await Promise.all(
      again.jobs.map(async (j) => (await app.inject({ url: `/api/jobs/${j.id}` })).json<Job>().result as EvaluateJobResult),
    );
    expect(mcCached).toMatchObject({ cached: true, cachedFrom: batch.jobs[0]!.id, metrics: mcResult!.metrics });
    expect(lossCached).toMatchObject({ cached: true, cachedFrom: batch.jobs[1]!.id, metrics: lossResult!.metrics });

    // Other settings are another evaluation: not cached.
    const exact = await app.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: { models: [{ modelId: model.id }], benchmarks: [{ id: lossBenchmark.id }], quant: 'nf4', kernels: 'exact', limit: 2 },
    });
    expect(exact.statusCode, exact.body).toBe(201);
    const exactJob = await waitForStatus(app, exact.json<EvaluationBatch>().jobs[0]!.id, ['succeeded', 'failed'], 120_000);
    expect(exactJob.result).toMatchObject({ cached: false, kernels: 'exact', limit: 2, items: [{}, {}] });
    mcJobId = batch.jobs[0]!.id;
    limitedLossJobId = exactJob.id;

    const results = (await app.inject({ url: `/api/evaluations?batchId=${again.batchId}` })).json<EvaluationList>().evaluations;
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.cached && r.status === 'succeeded' && r.model.id === model.id && r.metrics !== null)).toBe(true);
    expect((await app.inject({ url: '/api/evaluations' })).json<EvaluationList>().evaluations).toHaveLength(6); // 3 + 2 cached + 1 with other settings
  }, 240_000);

  it('shows progress in items and stops when canceled', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ question: `What is ${i} + 1?`, choices: [`${i}`, `${i + 1}`, `${i + 2}`], answer: 1 }));
    const uploaded = await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=long-quiz.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: many.map((r) => JSON.stringify(r)).join('\n') + '\n',
    });
    expect(uploaded.statusCode).toBe(201);
    const long = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Long quiz', datasetId: uploaded.json<Dataset>().id, ...multipleChoice },
    });
    expect(long.statusCode, long.body).toBe(201);
    const [job] = (await launch([long.json<Benchmark>()])).jobs;
    const deadline = Date.now() + 60_000;
    let running = (await app.inject({ url: `/api/jobs/${job!.id}` })).json<Job>();
    while (!(running.status === 'running' && (running.progress?.step ?? 0) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      running = (await app.inject({ url: `/api/jobs/${job!.id}` })).json<Job>();
    }
    expect(running.progress).toMatchObject({ total: 3000, message: expect.stringMatching(/^\d+ of 3000 items$/) });
    expect(running.progress!.etaSeconds).toBeGreaterThan(0);
    expect((await app.inject({ method: 'POST', url: `/api/jobs/${job!.id}/cancel` })).statusCode).toBe(202);
    const canceled = await waitForStatus(app, job!.id, ['canceled', 'succeeded', 'failed'], 30_000);
    expect(canceled.status).toBe('canceled');
    expect(canceled.result).toBeNull();
  }, 120_000);

  it("evaluates a fine-tune's adapter and a checkpoint beside the base model, whose result comes from the cache", async () => {
    const chats = rows.map((r) => ({
      messages: [
        { role: 'user', content: r.question },
        { role: 'assistant', content: r.reference },
      ],
    }));
    const uploaded = await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=chats.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: chats.map((r) => JSON.stringify(r)).join('\n') + '\n',
    });
    const train = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: {
        type: 'train',
        config: { modelId: model.id, datasetId: uploaded.json<Dataset>().id, maxSteps: 2, seqLen: 64, learningRate: 1e-2, checkpointEvery: 1 },
      },
    });
    expect(train.statusCode, train.body).toBe(201);
    const trained = await waitForStatus(app, train.json<Job>().id, ['succeeded', 'failed'], 120_000);
    expect(trained.error, JSON.stringify(trained.error)).toBeNull();
    const outputDir = (trained.config as { resolved: { outputDir: string } }).resolved.outputDir;
    const checkpoint = path.relative(path.join(app.home, 'adapters'), path.join(outputDir, 'checkpoint-1'));

    const res = await app.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: {
        models: [{ modelId: model.id }, { modelId: model.id, adapter: trained.id }, { modelId: model.id, adapter: checkpoint }],
        benchmarks: [{ id: lossBenchmark.id }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const jobs = res.json<EvaluationBatch>().jobs;
    // The base model's result is cached from the first batch; the adapter and the checkpoint are computed.
    expect(jobs[0]!.status).toBe('succeeded');
    const done = await Promise.all(jobs.map((j) => waitForStatus(app, j.id, ['succeeded', 'failed'], 120_000)));
    for (const job of done) expect(job.error, JSON.stringify(job.error)).toBeNull();
    const [base, adapted, atCheckpoint] = done.map((j) => j.result as EvaluateJobResult);
    expect(base).toMatchObject({ cached: true, adapter: null });
    expect(adapted).toMatchObject({ cached: false, adapter: { ref: trained.id, path: outputDir } });
    expect(atCheckpoint).toMatchObject({ cached: false, adapter: { ref: checkpoint, label: checkpoint.split(path.sep).join('/') } });
    expect(adapted!.metrics.loss).not.toBe(base!.metrics.loss);
    expect(jobs[1]!.title).toContain(`${model.name} + `);
    // Both know the fine-tune that wrote them and their training step, for the metric-by-step chart.
    const listed = await app.inject({ method: 'GET', url: `/api/evaluations?batchId=${res.json<EvaluationBatch>().batchId}` });
    const fineTunes = listed.json<EvaluationList>().evaluations.map((e) => e.adapter?.fineTune ?? null);
    expect(fineTunes).toEqual(
      expect.arrayContaining([{ jobId: trained.id, title: trained.title, step: 2 }, { jobId: trained.id, title: trained.title, step: 1 }, null]),
    );
    baseLossJobId = jobs[0]!.id;
    adapterLossJobId = jobs[1]!.id;
  }, 240_000);

  it('compares the base with its adapter on one benchmark version, and downloads the report as HTML and CSV', async () => {
    const res = await app.inject({ url: `/api/evaluations/compare?jobIds=${baseLossJobId},${adapterLossJobId}` });
    expect(res.statusCode, res.body).toBe(200);
    const comparison = res.json<EvaluationComparison>();
    expect(comparison.benchmark).toEqual({ name: 'Quiz answers', task: 'loss', version: 1, items: 3 });
    expect(comparison.models[0]!.label).toBe(model.name);
    expect(comparison.models[1]!.label.startsWith(`${model.name} + `)).toBe(true);
    expect(comparison.models[0]).toMatchObject({ quant: 'nf4', kernels: 'fast', settings: { job: baseLossJobId, adapter: null } });
    const itemLoss = comparison.metrics.find((m) => m.name === 'item_loss')!;
    expect(itemLoss).toMatchObject({ perItem: true, lowerIsBetter: true });
    expect(itemLoss.deltas).toHaveLength(1);
    expect(itemLoss.deltas[0]!.verdict).toMatch(/better on \d+ items?, worse on \d+/);
    expect(itemLoss.deltas[0]!.bootstrap).toMatchObject({ n: 3 });
    // Every item, with its prompt and reference from the dataset and each model's answer.
    expect(comparison.examples).toHaveLength(3);
    expect(comparison.examples[0]).toMatchObject({ index: 0, prompt: 'Question: What is 2 + 2?\nAnswer:', reference: 'Four.' });
    for (const row of comparison.examples) {
      expect(row.models).toHaveLength(2);
      expect(row.models[0]!.outcome).toBeUndefined();
      expect(['won', 'lost', 'both right', 'both wrong']).toContain(row.models[1]!.outcome);
    }

    const html = await app.inject({ url: `/api/evaluations/report?jobIds=${baseLossJobId},${adapterLossJobId}&format=html&sections=summary,metrics,examples` });
    expect(html.statusCode, html.body).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-disposition']).toBe('attachment; filename="quiz-answers-report.html"');
    expect(html.body).toMatch(/^<!DOCTYPE html>/i);
    expect(html.body).toContain('Quiz answers');
    expect(html.body).not.toMatch(/https?:\/\//);
    const csv = await app.inject({ url: `/api/evaluations/report?jobIds=${baseLossJobId},${adapterLossJobId}&format=csv` });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="quiz-answers-report.csv"');
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(1 + 3 * 2); // a header, then a row per example and model
    const json = await app.inject({ url: `/api/evaluations/report?jobIds=${baseLossJobId},${adapterLossJobId}&format=json` });
    expect(json.headers['content-disposition']).toBe('attachment; filename="quiz-answers-report.json"');
    expect(json.json()).toMatchObject({
      kind: 'qlora-studio-evaluation-report',
      versions: { 'QLoRA Studio': expect.any(String) },
      comparison: { benchmark: { items: 3 } },
    });
  });

  it('refuses to compare evaluations of different benchmarks or limits, saying what to choose', async () => {
    const refused = async (url: string): Promise<string> => {
      const res = await app.inject({ url });
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('EVALUATION_COMPARE_INVALID');
      return body.error.message;
    };
    expect(await refused(`/api/evaluations/compare?jobIds=${baseLossJobId},${mcJobId}`)).toMatch(
      /was evaluated on "Quiz" v2, the base .* on "Quiz answers" v1: compare evaluations of one benchmark version only/,
    );
    expect(await refused(`/api/evaluations/compare?jobIds=${baseLossJobId},${limitedLossJobId}`)).toMatch(
      /scored the first 2 items, the base .* every item: compare evaluations with the same limit/,
    );
    expect(await refused(`/api/evaluations/report?jobIds=${baseLossJobId},job_missing&format=csv`)).toMatch(/There is no job job_missing/);
    const one = await app.inject({ url: `/api/evaluations/compare?jobIds=${baseLossJobId}` });
    expect(one.statusCode).toBe(400);
  });

  it('refuses an adapter that is not one, saying what to give', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/evaluations',
      payload: { models: [{ modelId: model.id, adapter: '../../etc' }], benchmarks: [{ id: lossBenchmark.id }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { code: 'EVALUATE_CONFIG_INVALID' } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/neither a fine-tune job id nor a folder inside/);
  });

  it("keeps a benchmark's dataset until the benchmark is deleted; a deleted benchmark is gone with its versions", async () => {
    const upload = await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=spare.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
    });
    const spare = upload.json<Dataset>();
    const res = await app.inject({ method: 'POST', url: '/api/benchmarks', payload: { name: 'Spare quiz', datasetId: spare.id, ...multipleChoice } });
    const benchmark = res.json<Benchmark>();
    const refused = await app.inject({ method: 'DELETE', url: `/api/datasets/${spare.id}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      error: { code: 'DATASET_IN_USE', message: expect.stringContaining('holds the items of benchmark "Spare quiz": delete it first') },
    });
    expect((await app.inject({ method: 'DELETE', url: `/api/benchmarks/${benchmark.id}` })).statusCode).toBe(204);
    expect((await app.inject({ url: `/api/benchmarks/${benchmark.id}` })).json()).toMatchObject({ error: { code: 'BENCHMARK_NOT_FOUND' } });
    expect((await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks.map((b) => b.id)).not.toContain(benchmark.id);
    expect((await app.inject({ method: 'DELETE', url: `/api/datasets/${spare.id}` })).statusCode).toBe(204);
    // The other benchmarks' dataset is still guarded.
    expect((await app.inject({ method: 'DELETE', url: `/api/datasets/${dataset.id}` })).statusCode).toBe(409);
  });
});
