/**
 * Built-in sample benchmarks through the API: listed with their licence, each made into a
 * benchmark whose every row is an item, its dataset reused while unchanged, an unknown sample
 * refused; and the samples' own answers checked where they can be computed.
 */
import type { Benchmark, BenchmarkPreview, BenchmarkSampleList, Dataset } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arithmeticChoiceSample } from '../src/evaluation/samples/arithmetic-choice.js';
import { sampleBenchmarks } from '../src/evaluation/samples/index.js';
import { shortAnswersSample } from '../src/evaluation/samples/short-answers.js';
import { makeApp } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
beforeAll(async () => {
  app = await makeApp();
});
afterAll(() => app.close());

/** The value of "What is A op B?" (null for any other question). */
function computed(question: string): number | null {
  const m = /^What is (\d+) ([+\-×÷]) (\d+)\?$/.exec(question);
  if (!m) return null;
  const [a, op, b] = [Number(m[1]), m[2], Number(m[3])];
  return op === '+' ? a + b : op === '-' ? a - b : op === '×' ? a * b : a / b;
}

describe('built-in sample benchmarks', () => {
  it('lists the samples with their task, size, licence and author', async () => {
    const res = await app.inject({ url: '/api/benchmarks/samples' });
    expect(res.statusCode, res.body).toBe(200);
    const { samples } = res.json<BenchmarkSampleList>();
    expect(samples.map((s) => s.task).sort()).toEqual(['generate', 'loss', 'multiple-choice']);
    for (const sample of samples) {
      expect(sample).toMatchObject({ licence: 'CC0-1.0', author: 'QLoRA Studio contributors' });
      expect(sample.items).toBeGreaterThanOrEqual(30);
      expect(sample.description.length).toBeGreaterThan(40);
    }
  });

  it('gives arithmetic answers that are right, and four distinct choices holding the answer', () => {
    let checked = 0;
    for (const row of arithmeticChoiceSample.rows as { question: string; choices: string[]; answer: string }[]) {
      expect(new Set(row.choices).size).toBe(4);
      expect(row.choices).toContain(row.answer);
      const value = computed(row.question);
      if (value === null) continue;
      expect(row.answer).toBe(String(value));
      checked += 1;
    }
    expect(checked).toBe(24);
    // The right choice is not always in one place.
    const positions = new Set(arithmeticChoiceSample.rows.map((r) => (r.choices as string[]).indexOf(r.answer as string)));
    expect(positions.size).toBeGreaterThanOrEqual(3);
    for (const row of shortAnswersSample.rows as { question: string; answer: string }[]) {
      const value = computed(row.question);
      if (value !== null) expect(row.answer).toBe(String(value));
    }
  });

  it('makes each sample a benchmark whose every row is an item, reusing its dataset while unchanged', async () => {
    for (const sample of sampleBenchmarks) {
      const res = await app.inject({ method: 'POST', url: `/api/benchmarks/samples/${sample.id}`, payload: {} });
      expect(res.statusCode, res.body).toBe(201);
      const benchmark = res.json<Benchmark>();
      expect(benchmark).toMatchObject({ name: sample.name, task: sample.task, items: sample.rows.length, datasetName: sample.name, rows: { kind: 'all' } });
      const dataset = (await app.inject({ url: `/api/datasets/${benchmark.datasetId}` })).json<Dataset>();
      expect(dataset).toMatchObject({ name: sample.name, source: 'upload', sourceRef: `${sample.id}.jsonl` });

      const preview = await app.inject({
        method: 'POST',
        url: '/api/benchmarks/preview',
        payload: {
          datasetId: benchmark.datasetId,
          task: benchmark.task,
          fields: benchmark.fields,
          template: benchmark.template,
          ...(benchmark.generation ? { generation: benchmark.generation } : {}),
          count: 50,
        },
      });
      expect(preview.statusCode, preview.body).toBe(200);
      const body = preview.json<BenchmarkPreview>();
      expect(body.problems).toEqual([]);
      expect(body.items).toHaveLength(sample.rows.length);
      expect(body.items.every((i) => i.prompt.startsWith('Question: ') && i.target.length > 0)).toBe(true);

      // Again, under another name: a new benchmark over the same dataset.
      const again = await app.inject({ method: 'POST', url: `/api/benchmarks/samples/${sample.id}`, payload: { name: `${sample.name} (again)` } });
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json<Benchmark>()).toMatchObject({ name: `${sample.name} (again)`, datasetId: benchmark.datasetId });
      expect(again.json<Benchmark>().id).not.toBe(benchmark.id);
    }
    const generate = (await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks.find((b) => b.task === 'generate');
    expect(generate?.generation).toMatchObject({ extractor: { kind: 'last-number' }, stop: ['\n'] });
  });

  it('stores a new dataset when the stored copy of a sample is gone', async () => {
    const sample = sampleBenchmarks[2]!;
    const first = (await app.inject({ method: 'POST', url: `/api/benchmarks/samples/${sample.id}`, payload: {} })).json<Benchmark>();
    // Free the dataset: delete every benchmark made from it, then the dataset.
    const all = (await app.inject({ url: '/api/benchmarks' })).json<{ benchmarks: Benchmark[] }>().benchmarks;
    for (const b of all.filter((b) => b.datasetId === first.datasetId)) {
      expect((await app.inject({ method: 'DELETE', url: `/api/benchmarks/${b.id}` })).statusCode).toBe(204);
    }
    expect((await app.inject({ method: 'DELETE', url: `/api/datasets/${first.datasetId}` })).statusCode).toBe(204);
    const second = await app.inject({ method: 'POST', url: `/api/benchmarks/samples/${sample.id}`, payload: {} });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json<Benchmark>().datasetId).not.toBe(first.datasetId);
  });

  it('refuses an unknown sample, naming the ones there are', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/benchmarks/samples/trivia-9000', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'BENCHMARK_SAMPLE_NOT_FOUND', message: expect.stringContaining(`"${sampleBenchmarks[0]!.id}"`) } });
  });
});
