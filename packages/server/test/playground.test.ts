/**
 * The Playground through the API, with real inference workers: a base model and an adapter
 * trained on it, streamed replies equal to `qlora generate`, compare with queueing, stop,
 * bounds, notes and votes, and sessions with search, sharing, export and import.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type {
  BaseModel,
  Dataset,
  Job,
  PaneOutput,
  PlaygroundCatalogue,
  PlaygroundRun,
  PlaygroundSession,
  PlaygroundSessionFile,
  PlaygroundSessionSummary,
} from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRun, insertSession } from '../src/store/playground-repo.js';
import { makeApp, tempHome, tokenFor, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let home: string;
let model: BaseModel;
let adapterJob: Job;

const qlora = fileURLToPath(new URL('../bin/qlora.js', import.meta.url));
const rows = Array.from({ length: 6 }, () => ({ instruction: 'Describe the fruit: apple', output: '## Apple\n\n- **Colour:** red\n- **Taste:** sweet' }));
const sampled = { temperature: 0.8, topP: 0.9, topK: 20, maxNewTokens: 24, repetitionPenalty: 1.1, seed: 7, stopStrings: [] };

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T };
}

/** Follow a run's stream to its end; returns the events in order. inject returns once the server ends the stream. */
async function streamRun(id: string, token?: string): Promise<{ event: string; data: unknown }[]> {
  const res = await app.inject({ url: `/api/playground/runs/${id}/stream`, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  expect(res.headers['content-type']).toMatch(/text\/event-stream/);
  return res.body
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => ({ event: /event: (.*)/.exec(block)![1]!, data: JSON.parse(/data: (.*)/.exec(block)![1]!) as unknown }));
}

async function finished(id: string, token?: string): Promise<PlaygroundRun> {
  const events = await streamRun(id, token);
  const end = events.at(-1)!;
  expect(end.event).toBe('end');
  return end.data as PlaygroundRun;
}

const adapterDir = (): string => (adapterJob.config as { resolved: { outputDir: string } }).resolved.outputDir;

async function cli(args: string[]): Promise<{ text: string; finishReason: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, [qlora, 'generate', ...args, '--json']);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { text: string; finishReason: string };
}

beforeAll(async () => {
  home = tempHome();
  app = await makeApp({ home });
  model = (await call<BaseModel>('POST', '/api/models/demo', {})).body;
  const file = rows.map((r) => JSON.stringify(r)).join('\n');
  const dataset = (
    await app.inject({
      method: 'POST',
      url: '/api/datasets/upload?fileName=fruit.jsonl',
      headers: { 'content-type': 'application/octet-stream' },
      payload: file,
    })
  ).json<Dataset>();
  const created = await call<Job>('POST', '/api/jobs', {
    type: 'train',
    config: { modelId: model.id, datasetId: dataset.id, maxSteps: 300, learningRate: 5e-3, seqLen: 128, lora: { r: 16, alpha: 32, dropout: 0 } },
  });
  adapterJob = await waitForStatus(app, created.body.id, ['succeeded', 'failed'], 120_000);
  expect(adapterJob.status, JSON.stringify(adapterJob.error)).toBe('succeeded');
}, 180_000);
afterAll(async () => {
  await app.close();
});

describe('the Playground catalogue', () => {
  it('lists base models and the adapters of finished fine-tunes with what made them, and the limits', async () => {
    const { body } = await call<PlaygroundCatalogue>('GET', '/api/playground/models');
    expect(body.models.map((m) => m.id)).toContain(model.id);
    const adapter = body.adapters.find((a) => a.id === adapterJob.id)!;
    expect(adapter).toMatchObject({ baseModelId: model.id, method: 'qlora', r: 16, alpha: 32, steps: 300, dataset: { name: 'fruit', version: 1 } });
    expect(adapter.finalLoss).toBeGreaterThan(0);
    expect(body.limits).toEqual({ maxNewTokens: 1024, concurrentStreams: 1, queuedPerCaller: 8 });
  });
});

describe('running prompts', () => {
  it('streams a seeded reply equal to `qlora generate` with the same settings, for a base model and with an adapter', async () => {
    const prompt = { mode: 'text', template: 'Once upon a {{thing}},', variables: { thing: 'time' } };
    const created = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      prompt,
      settings: sampled,
      panes: [{ modelId: model.id }, { modelId: model.id, adapterId: adapterJob.id }],
    });
    expect(created.status).toBe(201);
    expect(created.body.panes.map((p) => p.status)).toEqual(['queued', 'queued']);
    const events = await streamRun(created.body.id);
    expect(events[0]!.event).toBe('snapshot');
    // Tokens arrive in order, each continuing its pane's text exactly.
    const texts = ['', ''];
    for (const e of events.filter((e) => e.event === 'token')) {
      const t = e.data as { pane: number; offset: number; text: string };
      expect(t.offset).toBe(texts[t.pane]!.length);
      texts[t.pane] += t.text;
    }
    const run = events.at(-1)!.data as PlaygroundRun;
    expect(run.panes.map((p) => p.status)).toEqual(['done', 'done']);
    expect(run.panes.map((p) => p.text)).toEqual(texts);
    expect(run.panes[0]!.renderedPrompt).toBe('Once upon a time,');
    for (const pane of run.panes) {
      expect(pane.completionTokens).toBeGreaterThan(0);
      expect(pane.tokensPerSecond).toBeGreaterThan(0);
      expect(pane.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
      expect(pane.finishReason).toMatch(/eos|length/);
    }
    const flags = [
      '--model',
      model.path,
      '--prompt',
      'Once upon a time,',
      '--temperature',
      '0.8',
      '--top-p',
      '0.9',
      '--top-k',
      '20',
      '--max-new-tokens',
      '24',
      '--repetition-penalty',
      '1.1',
      '--seed',
      '7',
    ];
    const base = await cli(flags);
    const tuned = await cli([...flags, '--adapter', adapterDir()]);
    expect(run.panes[0]!.text).toBe(base.text);
    expect(run.panes[1]!.text).toBe(tuned.text);
    expect(run.panes[0]!.finishReason).toBe(base.finishReason);
    expect(base.text).not.toBe(tuned.text);
  }, 60_000);

  it('renders a conversation through the chat template, and the adapter answers what it was trained on in Markdown', async () => {
    const created = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      prompt: { mode: 'chat', system: '', messages: [{ role: 'user', content: 'Describe the fruit: {{fruit}}' }], variables: { fruit: 'apple' } },
      settings: { ...sampled, temperature: 0, maxNewTokens: 40 },
      panes: [{ modelId: model.id, adapterId: adapterJob.id }],
    });
    const run = await finished(created.body.id);
    const pane = run.panes[0]!;
    expect(pane.renderedPrompt).toContain('Describe the fruit: apple');
    expect(pane.renderedPrompt).not.toBe('Describe the fruit: apple'); // the template wrapped it
    expect(pane.text).toBe(rows[0]!.output);
    expect(pane.finishReason).toBe('eos');
    const chatFile = path.join(home, 'chat.json');
    fs.writeFileSync(chatFile, JSON.stringify([{ role: 'user', content: 'Describe the fruit: apple' }]));
    const cliReply = await cli(['--model', model.path, '--adapter', adapterDir(), '--chat', chatFile, '--temperature', '0', '--max-new-tokens', '40']);
    expect(cliReply.text).toBe(pane.text);
  }, 60_000);

  it('queues the second pane behind the first, and stops a reply keeping what it had', async () => {
    const created = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      prompt: { mode: 'text', template: 'Tell a long story.', variables: {} },
      settings: { ...sampled, maxNewTokens: 1000, stopStrings: [] },
      panes: [
        { modelId: model.id, quant: 'none' },
        { modelId: model.id, kernels: 'exact' },
      ],
    });
    expect(created.body.panes[1]!.statusText).toMatch(/Waiting/);
    expect(created.body.panes.map((p) => p.label)).toEqual([`${model.name}, full precision`, `${model.name}, exact NF4 kernels`]);
    expect(created.body.panes.map((p) => p.model.kernels)).toEqual(['fast', 'exact']);
    // Stop the waiting pane at once: it never starts.
    const stopped = await call<PlaygroundRun>('POST', `/api/playground/runs/${created.body.id}/stop`, { pane: 1 });
    expect(stopped.body.panes[1]).toMatchObject({ status: 'stopped', finishReason: 'aborted', text: '' });
    // Wait for the first pane to produce something, then stop it.
    const deadline = Date.now() + 30_000;
    let run = created.body;
    while (run.panes[0]!.text.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      run = (await call<PlaygroundRun>('GET', `/api/playground/runs/${created.body.id}`)).body;
    }
    await call('POST', `/api/playground/runs/${created.body.id}/stop`, {});
    const end = await finished(created.body.id);
    expect(end.panes[0]!.status).toMatch(/stopped|done/);
    if (end.panes[0]!.status === 'stopped') expect(end.panes[0]!.finishReason).toBe('aborted');
    expect(end.panes[0]!.text.length).toBeGreaterThan(0);
    expect(end.panes[0]!.completionTokens).toBeLessThan(1000);
  }, 60_000);

  it('refuses bad requests with the reason, running nothing', async () => {
    const before = (await call<{ sessions: PlaygroundSessionSummary[] }>('GET', '/api/playground/sessions')).body.sessions.length;
    const base = { settings: sampled, panes: [{ modelId: model.id }] };
    const missing = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
      ...base,
      prompt: { mode: 'text', template: 'Hello {{name}} from {{ place }}', variables: { name: 'x' } },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'PROMPT_INVALID' });
    expect(missing.body.error.message).toContain('{{place}}');
    const tooLong = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
      ...base,
      settings: { ...sampled, maxNewTokens: 5000 },
      prompt: { mode: 'text', template: 'x', variables: {} },
    });
    expect(tooLong.body.error.code).toBe('PROMPT_INVALID');
    expect(tooLong.body.error.message).toMatch(/at most 1024/);
    const chatEndsWithAssistant = await call<{ error: { code: string } }>('POST', '/api/playground/runs', {
      ...base,
      prompt: { mode: 'chat', messages: [{ role: 'assistant', content: 'hi' }] },
    });
    expect(chatEndsWithAssistant.body.error.code).toBe('PROMPT_INVALID');
    const noAdapter = await call<{ error: { code: string } }>('POST', '/api/playground/runs', {
      ...base,
      panes: [{ modelId: model.id, adapterId: 'job_nope' }],
      prompt: { mode: 'text', template: 'x' },
    });
    expect(noAdapter.body.error.code).toBe('ADAPTER_NOT_FOUND');
    const other = (await call<BaseModel>('POST', '/api/models/demo', { name: 'Other' })).body;
    const wrongBase = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
      ...base,
      panes: [{ modelId: other.id, adapterId: adapterJob.id }],
      prompt: { mode: 'text', template: 'x' },
    });
    expect(wrongBase.body.error.message).toMatch(/was trained on/);
    const five = await call<{ error: { code: string } }>('POST', '/api/playground/runs', {
      ...base,
      panes: Array(5).fill({ modelId: model.id }),
      prompt: { mode: 'text', template: 'x' },
    });
    expect(five.body.error.code).toBe('VALIDATION_FAILED');
    expect((await call<{ sessions: unknown[] }>('GET', '/api/playground/sessions')).body.sessions.length).toBe(before);
  });

  it('bounds how many replies one caller may have waiting', async () => {
    const token = tokenFor(app, 'member');
    const body = {
      prompt: { mode: 'text', template: 'Count to ten:' },
      settings: { ...sampled, maxNewTokens: 200 },
      panes: Array(4).fill({ modelId: model.id }),
    };
    const runs: PlaygroundRun[] = [];
    for (let i = 0; i < 2; i++) runs.push((await call<PlaygroundRun>('POST', '/api/playground/runs', body, token)).body);
    const third = await call<{ error: { code: string } }>('POST', '/api/playground/runs', body, token);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('PLAYGROUND_BUSY');
    for (const run of runs) await call('POST', `/api/playground/runs/${run.id}/stop`, {}, token);
    for (const run of runs) expect((await finished(run.id, token)).panes.every((p) => p.status !== 'running' && p.status !== 'queued')).toBe(true);
  }, 60_000);
});

describe('sessions', () => {
  it('saves every run in a session: reopen, rename, search, notes and votes, share with the workspace, export and import, delete', async () => {
    const member = tokenFor(app, 'member');
    const created = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      prompt: { mode: 'text', template: 'A poem about {{topic}}', variables: { topic: 'zebras' } },
      settings: { ...sampled, maxNewTokens: 8 },
      panes: [{ modelId: model.id }, { modelId: model.id, adapterId: adapterJob.id }],
    });
    const first = await finished(created.body.id);
    const sessionId = first.sessionId;
    // A second run into the same session.
    const second = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      sessionId,
      prompt: { mode: 'text', template: 'Zebra facts:' },
      settings: { ...sampled, maxNewTokens: 4 },
      panes: [{ modelId: model.id }],
    });
    await finished(second.body.id);

    const vote = await call<PaneOutput>('PATCH', `/api/playground/runs/${first.id}/panes/1`, { note: 'Follows the format', vote: 'up' });
    expect(vote.body).toMatchObject({ note: 'Follows the format', vote: 'up' });

    let session = (await call<PlaygroundSession>('GET', `/api/playground/sessions/${sessionId}`)).body;
    expect(session.title).toBe('A poem about zebras');
    expect(session.runs.map((r) => r.id)).toEqual([second.body.id, first.id]);
    expect(session.runs[1]!.panes[1]).toMatchObject({ note: 'Follows the format', vote: 'up' });
    expect(session.draft?.prompt).toMatchObject({ mode: 'text', template: 'Zebra facts:' });
    expect(session).toMatchObject({ ownedByMe: true, shared: false, owner: 'this machine', runCount: 2 });

    session = (await call<PlaygroundSession>('PATCH', `/api/playground/sessions/${sessionId}`, { title: 'Zebra poems' })).body;
    expect(session.title).toBe('Zebra poems');
    const search = async (q: string, token?: string) =>
      (await call<{ sessions: PlaygroundSessionSummary[] }>('GET', `/api/playground/sessions?q=${encodeURIComponent(q)}`, undefined, token)).body.sessions.map(
        (s) => s.id,
      );
    expect(await search('zebra')).toContain(sessionId);
    expect(await search('zebras poem')).toContain(sessionId); // every word, in title or prompts
    expect(await search('giraffe')).not.toContain(sessionId);
    expect(await search('100%_')).toEqual([]);

    // Private until shared: a team member neither lists nor opens it.
    expect(await search('zebra', member)).not.toContain(sessionId);
    expect((await call<{ error: { code: string } }>('GET', `/api/playground/sessions/${sessionId}`, undefined, member)).body.error.code).toBe(
      'PLAYGROUND_SESSION_NOT_FOUND',
    );
    await call('PATCH', `/api/playground/sessions/${sessionId}`, { shared: true });
    const seen = (await call<PlaygroundSession>('GET', `/api/playground/sessions/${sessionId}`, undefined, member)).body;
    expect(seen).toMatchObject({ ownedByMe: false, shared: true, title: 'Zebra poems' });
    expect(seen.runs).toHaveLength(2);
    const renameOthers = await call<{ error: { code: string } }>('PATCH', `/api/playground/sessions/${sessionId}`, { title: 'Mine now' }, member);
    expect(renameOthers.status).toBe(403);
    const runIntoOthers = await call<{ error: { code: string } }>(
      'POST',
      '/api/playground/runs',
      { sessionId, prompt: { mode: 'text', template: 'x' }, settings: sampled, panes: [{ modelId: model.id }] },
      member,
    );
    expect(runIntoOthers.status).toBe(403);

    // Export, then import as a new session of the member's.
    const exported = await app.inject({ url: `/api/playground/sessions/${sessionId}/export` });
    expect(exported.headers['content-disposition']).toContain('Zebra poems.playground.json');
    const file = exported.json<PlaygroundSessionFile>();
    expect(file.session.runs).toHaveLength(2);
    const imported = await call<PlaygroundSession>('POST', '/api/playground/sessions/import', file, member);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ title: 'Zebra poems', ownedByMe: true, shared: false, owner: 'member test' });
    expect(imported.body.runs.map((r) => r.panes.map((p) => p.text))).toEqual(session.runs.map((r) => r.panes.map((p) => p.text)));
    expect(imported.body.runs[1]!.panes[1]!.vote).toBe('up');
    const broken = await call<{ error: { code: string } }>('POST', '/api/playground/sessions/import', { ...file, format: 'something-else' });
    expect(broken.body.error.code).toBe('VALIDATION_FAILED');

    expect((await call('DELETE', `/api/playground/sessions/${sessionId}`, undefined, member)).status).toBe(403);
    expect((await call('DELETE', `/api/playground/sessions/${sessionId}`)).status).toBe(204);
    expect((await call<{ error: { code: string } }>('GET', `/api/playground/sessions/${sessionId}`)).body.error.code).toBe('PLAYGROUND_SESSION_NOT_FOUND');
    expect((await call<{ error: { code: string } }>('GET', `/api/playground/runs/${first.id}`)).body.error.code).toBe('PLAYGROUND_RUN_NOT_FOUND');
  }, 60_000);

  it('closes replies a stopped server left unfinished, keeping their text', async () => {
    const db = app.ctx.db;
    const sessionId = insertSession(db, { tokenId: null, label: 'this machine' }, { title: 'Interrupted', draft: null });
    const pane = {
      index: 0,
      model: { modelId: model.id, adapterId: null, quant: 'nf4' as const, kernels: 'fast' as const },
      label: 'x',
      status: 'running' as const,
      text: 'half a rep',
      renderedPrompt: 'p',
      finishReason: null,
      promptTokens: 1,
      completionTokens: null,
      timeToFirstTokenMs: null,
      tokensPerSecond: null,
      durationMs: null,
      error: null,
      note: '',
      vote: null,
    };
    insertRun(db, {
      id: 'run_leftover',
      sessionId,
      createdAt: new Date().toISOString(),
      prompt: { mode: 'text', template: 'p', variables: {} },
      settings: sampled,
      panes: [pane],
    });
    await app.close();
    app = await makeApp({ home });
    const run = (await call<PlaygroundRun>('GET', '/api/playground/runs/run_leftover')).body;
    expect(run.panes[0]).toMatchObject({ status: 'failed', text: 'half a rep' });
    expect(run.panes[0]!.error?.message).toMatch(/server stopped/);
  });
});
