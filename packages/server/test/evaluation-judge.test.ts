/**
 * Judge benchmarks and the judge connection, against a small OpenAI-compatible server started
 * here (it stands in for the external judge, records each request and answers with canned
 * judgments): the connection never shows its key, the test route names each failure, a launch
 * without a judge is refused, and a judge evaluation of the demo model runs end to end — the
 * rubric filled per item, the key sent as a Bearer token and kept out of the job's config, the
 * scores read from the replies, and the result cached by rubric; a cancel aborts the request in
 * flight; generate benchmarks sample reproducibly with their seed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_JUDGE_RUBRIC,
  type BaseModel,
  type Benchmark,
  type Dataset,
  type EvaluateJobResult,
  type EvaluationBatch,
  type Job,
  type JobEvent,
  type JudgeConnection,
  type JudgeConnectionTest,
} from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeChat } from '../src/jobs/judge-client.js';
import { fillRubric, parseJudgeScore } from '../src/jobs/worker/judge-rubric.js';
import { judgeAnswers, judgeMetrics } from '../src/jobs/worker/judge.js';
import { makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;

interface Recorded {
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] };
}

/** What the fake judge answers: an HTTP status and a JSON body, from the request's prompt and how often it was seen. */
type Answer = (prompt: string, seen: number) => { status: number; body: unknown };

const chat = (content: string): { status: number; body: unknown } => ({ status: 200, body: { choices: [{ message: { role: 'assistant', content } }] } });

/** Canned judgments: by question; the cat question is answered without a score the first time. */
const cannedJudge: Answer = (prompt, seen) => {
  if (prompt.includes('single word')) return chat('ready');
  if (prompt.includes('2 + 2')) return chat('Correct and clear.\nScore: 9');
  if (prompt.includes('sky')) return chat('Partly right.\n**Score:** 5/10');
  if (prompt.includes('cat')) return chat(seen === 1 ? 'I would rather not say.' : 'Close enough.\nScore: 7');
  return chat('Score: 2');
};

let answer: Answer = cannedJudge;
/** How long the fake judge takes to answer (a slow judge, for cancel). */
let delayMs = 0;
const requests: Recorded[] = [];
const seenPrompts = new Map<string, number>();
let judgeServer: http.Server;
let baseUrl: string;

function startJudge(): Promise<void> {
  judgeServer = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const body = JSON.parse(raw) as Recorded['body'];
      requests.push({ authorization: req.headers.authorization, body });
      const prompt = body.messages[0]!.content;
      const seen = (seenPrompts.get(prompt) ?? 0) + 1;
      seenPrompts.set(prompt, seen);
      const { status, body: reply } = answer(prompt, seen);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      }, delayMs);
    });
  });
  return new Promise((resolve) => judgeServer.listen(0, '127.0.0.1', resolve));
}

/** A port nothing listens on: one the OS just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const rows = [
  { id: 'q1', question: 'What is 2 + 2?', reference: 'Four.' },
  { id: 'q2', question: 'Which colour is the sky?', reference: 'Blue.' },
  { id: 'q3', question: 'How many legs has a cat?', reference: 'Four legs.' },
];

let app: App;
let model: BaseModel;
let dataset: Dataset;

beforeAll(async () => {
  await startJudge();
  baseUrl = `http://127.0.0.1:${(judgeServer.address() as AddressInfo).port}/v1`;
  app = await makeApp();
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  const res = await app.inject({
    method: 'POST',
    url: '/api/datasets/upload?fileName=judge.jsonl',
    headers: { 'content-type': 'application/octet-stream' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  });
  expect(res.statusCode, res.body).toBe(201);
  dataset = res.json<Dataset>();
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => judgeServer.close(resolve));
});

const judgeDefinition = { task: 'judge', fields: { question: 'question', answer: 'reference' }, generation: { maxNewTokens: 3 } };

async function setJudge(payload: object): Promise<JudgeConnection> {
  const res = await app.inject({ method: 'PUT', url: '/api/settings/judge', payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<JudgeConnection>();
}

async function launch(benchmark: Benchmark): Promise<{ status: number; body: string; batch: EvaluationBatch }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/evaluations',
    payload: { models: [{ modelId: model.id }], benchmarks: [{ id: benchmark.id }], quant: 'nf4', kernels: 'fast' },
  });
  return { status: res.statusCode, body: res.body, batch: res.json<EvaluationBatch>() };
}

async function evaluateJobs(): Promise<Job[]> {
  return (await app.inject({ url: '/api/jobs?type=evaluate' })).json<{ jobs: Job[] }>().jobs;
}

describe('the judge connection', () => {
  it('starts unset: the test route and a judge launch say no judge is configured, and nothing is queued', async () => {
    expect((await app.inject({ url: '/api/settings/judge' })).json()).toEqual({ baseUrl: null, model: null, apiKeySet: false });
    const test = await app.inject({ method: 'POST', url: '/api/settings/judge/test' });
    expect(test.statusCode).toBe(422);
    expect(test.json().error).toMatchObject({ code: 'JUDGE_NOT_CONFIGURED' });

    const created = await app.inject({ method: 'POST', url: '/api/benchmarks', payload: { name: 'Judged', datasetId: dataset.id, ...judgeDefinition } });
    expect(created.statusCode, created.body).toBe(201);
    const before = (await evaluateJobs()).length;
    const refused = await launch(created.json<Benchmark>());
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'JUDGE_NOT_CONFIGURED' });
    expect(JSON.parse(refused.body).error.message).toContain('"Judged" is a judge benchmark');
    expect((await evaluateJobs()).length).toBe(before);
  });

  it('stores the endpoint, model and key, and never sends the key back', async () => {
    const saved = await setJudge({ baseUrl, model: 'judge-1', apiKey: 'sk-secret-123' });
    expect(saved).toEqual({ baseUrl, model: 'judge-1', apiKeySet: true });
    const got = await app.inject({ url: '/api/settings/judge' });
    expect(got.json()).toEqual({ baseUrl, model: 'judge-1', apiKeySet: true });
    expect(got.body).not.toContain('sk-secret');
    expect((await app.inject({ url: '/api/settings' })).body).not.toContain('sk-secret');
    // Leaving the key out keeps it; the model can change.
    expect(await setJudge({ baseUrl, model: 'judge-2' })).toEqual({ baseUrl, model: 'judge-2', apiKeySet: true });
  });

  it('tests the connection: the reply and latency, with the key sent as a Bearer token', async () => {
    await setJudge({ baseUrl, model: 'judge-1' });
    requests.length = 0;
    const res = await app.inject({ method: 'POST', url: '/api/settings/judge/test' });
    expect(res.statusCode, res.body).toBe(200);
    const test = res.json<JudgeConnectionTest>();
    expect(test).toMatchObject({ model: 'judge-1', reply: 'ready' });
    expect(test.latencyMs).toBeGreaterThanOrEqual(0);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.authorization).toBe('Bearer sk-secret-123');
    expect(requests[0]!.body.model).toBe('judge-1');
  });

  it("names the cause of a failure: the server's HTTP error message, a reply without content", async () => {
    answer = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided: sk-secr***', type: 'invalid_request_error' } } });
    const unauthorized = await app.inject({ method: 'POST', url: '/api/settings/judge/test' });
    answer = () => ({ status: 200, body: { object: 'list', data: [] } });
    const empty = await app.inject({ method: 'POST', url: '/api/settings/judge/test' });
    answer = cannedJudge;
    expect(unauthorized.statusCode).toBe(502);
    expect(unauthorized.json().error).toMatchObject({ code: 'JUDGE_UNREACHABLE' });
    expect(unauthorized.json().error.message).toContain('HTTP 401: Incorrect API key provided');
    expect(unauthorized.json().error.message).toContain('Check the API key');

    expect(empty.statusCode).toBe(502);
    expect(empty.json().error.message).toContain('without choices[0].message.content');
  });

  it('names a refused connection; moving to another server drops the stored key', async () => {
    const elsewhere = `http://127.0.0.1:${await closedPort()}/v1`;
    expect(await setJudge({ baseUrl: elsewhere, model: 'judge-1' })).toEqual({ baseUrl: elsewhere, model: 'judge-1', apiKeySet: false });
    const refused = await app.inject({ method: 'POST', url: '/api/settings/judge/test' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error).toMatchObject({ code: 'JUDGE_UNREACHABLE' });
    expect(refused.json().error.message).toContain('the connection was refused');
  });

  it('removes everything with baseUrl null', async () => {
    expect(await setJudge({ baseUrl: null })).toEqual({ baseUrl: null, model: null, apiKeySet: false });
    expect((await app.inject({ url: '/api/settings/judge' })).json()).toEqual({ baseUrl: null, model: null, apiKeySet: false });
  });
});

describe('judge evaluations', () => {
  let benchmark: Benchmark;
  let result: EvaluateJobResult;
  let jobId: string;

  it('generates each answer, has the judge score it with the rubric filled, and reports judge_score and judge_pass', async () => {
    await setJudge({ baseUrl, model: 'judge-1', apiKey: 'sk-secret-123' });
    const created = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Judged answers', datasetId: dataset.id, ...judgeDefinition },
    });
    expect(created.statusCode, created.body).toBe(201);
    benchmark = created.json<Benchmark>();
    expect(benchmark).toMatchObject({ task: 'judge', judge: { rubric: DEFAULT_JUDGE_RUBRIC, passMark: 7 }, generation: { maxNewTokens: 3 } });

    requests.length = 0;
    const launched = await launch(benchmark);
    expect(launched.status, launched.body).toBe(201);
    jobId = launched.batch.jobs[0]!.id;
    const job = await waitForStatus(app, jobId, ['succeeded', 'failed'], 120_000);
    expect(job.error, JSON.stringify(job.error)).toBeNull();
    result = job.result as EvaluateJobResult;

    expect(result.judgedBy).toEqual({ baseUrl, model: 'judge-1' });
    expect(result.benchmark.judge).toEqual({ rubric: DEFAULT_JUDGE_RUBRIC, passMark: 7 });
    expect(result.items.map((i) => i.judge?.score)).toEqual([9, 5, 7]);
    expect(result.items.map((i) => [i.prediction, i.correct, i.target])).toEqual([
      ['9', true, 'Four.'],
      ['5', false, 'Blue.'],
      ['7', true, 'Four legs.'],
    ]);
    expect(result.items[1]!.judge!.reply).toBe('Partly right.\n**Score:** 5/10');
    expect(result.metrics.judge_score).toBeCloseTo((9 + 5 + 7) / 3, 12);
    expect(result.metrics.judge_pass).toBeCloseTo(2 / 3, 12);
    expect(job.progress).toMatchObject({ step: 6, total: 6 });

    // One request per item, and one more for the reply without a score.
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.authorization).toBe('Bearer sk-secret-123');
      expect(request.body.model).toBe('judge-1');
    }
    for (const [i, item] of result.items.entries()) {
      const expected = fillRubric(DEFAULT_JUDGE_RUBRIC, { question: rows[i]!.question, reference: rows[i]!.reference, answer: item.output! });
      expect(expected).toContain(`Question: ${rows[i]!.question}\nReference answer: ${rows[i]!.reference}\nAnswer to grade: ${item.output}`);
      expect(requests.some((r) => r.body.messages[0]!.content === expected)).toBe(true);
    }
  });

  it('keeps the API key out of the job config the API shows', async () => {
    const res = await app.inject({ url: `/api/jobs/${jobId}` });
    expect(res.body).not.toContain('sk-secret');
    expect((res.json<Job>().config as { resolved: { judge: unknown } }).resolved.judge).toEqual({ baseUrl, model: 'judge-1' });
    const events = (await app.inject({ url: `/api/jobs/${jobId}/events` })).json<{ events: JobEvent[] }>().events;
    expect(JSON.stringify(events)).not.toContain('sk-secret');
  });

  it('answers the same judge benchmark from the cache, but not after the rubric or the judge model changes', async () => {
    requests.length = 0;
    const again = await launch(benchmark);
    expect(again.status, again.body).toBe(201);
    expect(again.batch.jobs[0]!.status).toBe('succeeded');
    expect((again.batch.jobs[0]!.result as EvaluateJobResult).cached).toBe(true);
    expect(requests).toHaveLength(0);

    // Another rubric (naming a row field by name) is another benchmark version: judged again.
    const rubric = 'Item {id}. Q: {question}\nA: {answer}\nExpected: {reference}\nScore: N';
    const edited = await app.inject({
      method: 'POST',
      url: `/api/benchmarks/${benchmark.id}/versions`,
      payload: { datasetId: dataset.id, ...judgeDefinition, judge: { rubric, passMark: 9 } },
    });
    expect(edited.statusCode, edited.body).toBe(201);
    const v2 = edited.json<Benchmark>();
    const rejudged = await launch(v2);
    expect(rejudged.status, rejudged.body).toBe(201);
    const job = await waitForStatus(app, rejudged.batch.jobs[0]!.id, ['succeeded', 'failed'], 120_000);
    expect(job.error, JSON.stringify(job.error)).toBeNull();
    const v2Result = job.result as EvaluateJobResult;
    expect(v2Result.cached).toBe(false);
    expect(v2Result.metrics.judge_pass).toBeCloseTo(1 / 3, 12);
    expect(requests.some((r) => r.body.messages[0]!.content.startsWith('Item q2. Q: Which colour is the sky?\nA: '))).toBe(true);

    // Another judge model: not the cached result either.
    await setJudge({ baseUrl, model: 'judge-3' });
    const otherJudge = await launch(v2);
    expect(otherJudge.batch.jobs[0]!.status).toBe('queued');
    await waitForStatus(app, otherJudge.batch.jobs[0]!.id, ['succeeded', 'failed'], 120_000);
  });
});

describe('seeded sampling in evaluate jobs', () => {
  async function generated(name: string, generation: object): Promise<string[]> {
    const created = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name, datasetId: dataset.id, task: 'generate', fields: { question: 'question', answer: 'reference' }, generation },
    });
    expect(created.statusCode, created.body).toBe(201);
    const launched = await launch(created.json<Benchmark>());
    expect(launched.status, launched.body).toBe(201);
    const job = await waitForStatus(app, launched.batch.jobs[0]!.id, ['succeeded', 'failed'], 120_000);
    expect(job.error, JSON.stringify(job.error)).toBeNull();
    return (job.result as EvaluateJobResult).items.map((i) => i.output ?? '');
  }

  it('samples with the benchmark seed: the same seed gives the same outputs, another seed or greedy decoding others', async () => {
    const sampling = { temperature: 1.5, topP: 1, seed: 5 };
    const first = await generated('Sampled A', { maxNewTokens: 8, sampling });
    expect(await generated('Sampled B', { maxNewTokens: 8, sampling })).toEqual(first);
    expect(await generated('Sampled C', { maxNewTokens: 8, sampling: { ...sampling, seed: 6 } })).not.toEqual(first);
    expect(await generated('Greedy', { maxNewTokens: 8 })).not.toEqual(first);
  });
});

describe('canceling a judge evaluation', () => {
  it('stops while the judge is still answering, without waiting for its reply', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      payload: { name: 'Slowly judged', datasetId: dataset.id, ...judgeDefinition, judge: { rubric: 'Slow: {question} {answer}', passMark: 5 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    delayMs = 5_000;
    requests.length = 0;
    try {
      const launched = await launch(created.json<Benchmark>());
      expect(launched.status, launched.body).toBe(201);
      const id = launched.batch.jobs[0]!.id;
      // Generation done (3 of 6 steps) and the first judge request sent.
      const deadline = Date.now() + 60_000;
      while (requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(requests).toHaveLength(1);
      const running = (await app.inject({ url: `/api/jobs/${id}` })).json<Job>();
      expect(running.progress).toMatchObject({ step: 3, total: 6 });
      const asked = Date.now();
      expect((await app.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` })).statusCode).toBe(202);
      const job = await waitForStatus(app, id, ['canceled', 'failed', 'succeeded'], 20_000);
      expect(job.status).toBe('canceled');
      // The request in flight was aborted: far sooner than the judge's 5 s, and nothing more was sent.
      expect(Date.now() - asked).toBeLessThan(3_000);
      expect(requests).toHaveLength(1);
    } finally {
      delayMs = 0;
    }
  });
});

describe('judging (unit)', () => {
  it('reads the last "Score: N" of a reply, tolerating markdown and a scale', () => {
    expect(parseJudgeScore('Score: 8')).toBe(8);
    expect(parseJudgeScore('**Score:** 8')).toBe(8);
    expect(parseJudgeScore('Score: 8/10')).toBe(8);
    expect(parseJudgeScore('score = 7 out of 10')).toBe(7);
    expect(parseJudgeScore('A first guess, Score: 3.\nOn reflection:\nScore: 6.5')).toBe(6.5);
    expect(parseJudgeScore('I give it 8.')).toBeNull();
    expect(parseJudgeScore('Score: 0')).toBeNull();
    expect(parseJudgeScore('Score: 11')).toBeNull();
  });

  it('fills the rubric in one pass, leaving unknown braces as written', () => {
    const filled = fillRubric('{question} | {reference} | {answer} | {id} | {"score": N} | {missing}', {
      question: 'Q',
      reference: 'R',
      answer: 'says {reference}',
      row: { id: 7 },
    });
    expect(filled).toBe('Q | R | says {reference} | 7 | {"score": N} | {missing}');
  });

  it('asks again once when a reply has no score, then counts it as 1 with a warning', async () => {
    answer = () => chat('No score from me.');
    const warnings: string[] = [];
    requests.length = 0;
    const judgments = await judgeAnswers(
      { baseUrl, model: 'judge-1', apiKey: null },
      { rubric: 'Grade {answer}', passMark: 7 },
      [{ question: 'q', reference: 'r', answer: 'a' }],
      { warn: (m) => warnings.push(m) },
    );
    answer = cannedJudge;
    expect(judgments).toEqual([{ score: 1, reply: 'No score from me.' }]);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.authorization).toBeUndefined();
    expect(warnings[0]).toContain('Item 1: the judge replied twice without a "Score: N" line');
    expect(
      judgeMetrics(
        [
          { score: 1, reply: '' },
          { score: 8, reply: '' },
        ],
        7,
      ),
    ).toEqual({ judge_score: 4.5, judge_pass: 0.5 });
  });

  it('gives up on a judge that does not answer in time', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    try {
      await expect(judgeChat({ baseUrl: url, model: 'm', apiKey: null }, 'hi', { timeoutMs: 200 })).rejects.toThrow('did not answer within 200 ms');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
