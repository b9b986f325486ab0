/**
 * The Playground's run and session handling with a stand-in inference worker (it echoes the
 * prompt, or holds until stopped), so stop, queueing, deletion and privacy are deterministic.
 */
import type { BaseModel, PlaygroundRun, PlaygroundSession, PlaygroundSessionFile, PlaygroundSessionSummary } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertJob, setJobStatus } from '../src/store/jobs-repo.js';
import { fixture, makeApp, tokenFor } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let member: string;

const settings = { temperature: 0, topP: 1, topK: 0, maxNewTokens: 64, repetitionPenalty: 1, seed: 0, stopStrings: [] };

async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T };
}

const textRun = (template: string, extra: Record<string, unknown> = {}, token?: string) =>
  call<PlaygroundRun>(
    'POST',
    '/api/playground/runs',
    { prompt: { mode: 'text', template, variables: {} }, settings, panes: [{ modelId: model.id }], ...extra },
    token,
  );

/** The stream's events until the server ends it. */
async function follow(id: string): Promise<{ event: string; data: unknown }[]> {
  const res = await app.inject({ url: `/api/playground/runs/${id}/stream` });
  return res.body
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => ({ event: /event: (.*)/.exec(block)![1]!, data: JSON.parse(/data: (.*)/.exec(block)![1]!) as unknown }));
}

async function until(id: string, test: (run: PlaygroundRun) => boolean): Promise<PlaygroundRun> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = (await call<PlaygroundRun>('GET', `/api/playground/runs/${id}`)).body;
    if (test(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} never got there: ${JSON.stringify(run.panes)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  app = await makeApp({ inferenceWorkerPath: fixture('echo-inference-worker.ts') });
  model = (await call<BaseModel>('POST', '/api/models/demo', {})).body;
  member = tokenFor(app, 'member');
});
afterAll(async () => {
  await app.close();
});

describe('runs', () => {
  it('stops a reply mid-way keeping its text, and tells a waiting reply how many are ahead', async () => {
    const held = (await textRun('hold')).body;
    await until(held.id, (r) => r.panes[0]!.text === 'h');
    const waiting = (await textRun('after')).body;
    expect(waiting.panes[0]!.statusText).toBe('Waiting for 1 reply ahead');
    await call('POST', `/api/playground/runs/${held.id}/stop`, {});
    const stopped = (await follow(held.id)).at(-1)!.data as PlaygroundRun;
    expect(stopped.panes[0]).toMatchObject({ status: 'stopped', finishReason: 'aborted', text: 'h', completionTokens: 1 });
    const events = await follow(waiting.id);
    expect((events.at(-1)!.data as PlaygroundRun).panes[0]).toMatchObject({ status: 'done', text: 'after' });
  });

  it('generates one reply at a time while a fine-tune runs, even when more are allowed', async () => {
    await call('PATCH', '/api/settings', { playgroundConcurrentStreams: 2 });
    const job = insertJob(app.ctx.db, { type: 'train', title: 'Fine-tune', config: {} });
    setJobStatus(app.ctx.db, job.id, 'running');
    try {
      const first = (await textRun('hold')).body;
      await until(first.id, (r) => r.panes[0]!.status === 'running');
      const second = (await textRun('hold')).body;
      expect(second.panes[0]!.statusText).toBe('Waiting for 1 reply ahead');
      setJobStatus(app.ctx.db, job.id, 'failed', { message: 'test', hint: null });
      await call('POST', `/api/playground/runs/${first.id}/stop`, {});
      await follow(first.id);
      await until(second.id, (r) => r.panes[0]!.status === 'running');
      await call('POST', `/api/playground/runs/${second.id}/stop`, {});
      await follow(second.id);
    } finally {
      await call('PATCH', '/api/settings', { playgroundConcurrentStreams: 1 });
    }
  });

  it('ends the streams of a deleted session with its replies stopped', async () => {
    const held = (await textRun('hold')).body;
    await until(held.id, (r) => r.panes[0]!.status === 'running');
    const followed = follow(held.id);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call('DELETE', `/api/playground/sessions/${held.sessionId}`)).status).toBe(204);
    const end = (await followed).at(-1)!;
    expect(end.event).toBe('end');
    expect((end.data as PlaygroundRun).panes[0]).toMatchObject({ status: 'stopped', error: { message: 'The session was deleted.' } });
  });

  it("keeps a private session's runs from other callers, even by id", async () => {
    const run = (await textRun('mine')).body;
    await follow(run.id);
    const notFound = 'PLAYGROUND_RUN_NOT_FOUND';
    expect((await call<{ error: { code: string } }>('GET', `/api/playground/runs/${run.id}`, undefined, member)).body.error.code).toBe(notFound);
    expect((await call<{ error: { code: string } }>('POST', `/api/playground/runs/${run.id}/stop`, {}, member)).body.error.code).toBe(notFound);
    expect((await call<{ error: { code: string } }>('PATCH', `/api/playground/runs/${run.id}/panes/0`, { vote: 'down' }, member)).body.error.code).toBe(
      notFound,
    );
    const stream = await app.inject({ url: `/api/playground/runs/${run.id}/stream`, headers: { authorization: `Bearer ${member}` } });
    expect(stream.statusCode).toBe(404);
    expect((await call<PlaygroundRun>('GET', `/api/playground/runs/${run.id}`)).body.panes[0]!.vote).toBeNull();
  });

  it('refuses empty variables and prompts that would grow past the limit; leaves assistant turns as they are', async () => {
    const empty = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
      prompt: { mode: 'text', template: 'Hi {{name}}', variables: { name: ' ' } },
      settings,
      panes: [{ modelId: model.id }],
    });
    expect(empty.body.error).toMatchObject({ code: 'PROMPT_INVALID', message: expect.stringContaining('{{name}} is empty') });
    const bomb = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
      prompt: { mode: 'text', template: '{{a}}'.repeat(5000), variables: { a: 'x'.repeat(100) } },
      settings,
      panes: [{ modelId: model.id }],
    });
    expect(bomb.status).toBe(422);
    expect(bomb.body.error.message).toMatch(/over 400,000 characters/);
    const chat = await call<PlaygroundRun>('POST', '/api/playground/runs', {
      prompt: {
        mode: 'chat',
        system: '',
        messages: [
          { role: 'user', content: 'Say {{x}}' },
          { role: 'assistant', content: 'I say {{y}} literally' },
          { role: 'user', content: 'Again' },
        ],
        variables: { x: 'hi' },
      },
      settings,
      panes: [{ modelId: model.id }],
    });
    expect(chat.status).toBe(201);
    await follow(chat.body.id);
    // Names of built-in object properties are variables like any other.
    for (const name of ['constructor', 'toString']) {
      const missing = await call<{ error: { code: string; message: string } }>('POST', '/api/playground/runs', {
        prompt: { mode: 'text', template: `Hi {{${name}}}`, variables: {} },
        settings,
        panes: [{ modelId: model.id }],
      });
      expect(missing.status, name).toBe(422);
      expect(missing.body.error.message, name).toContain(`{{${name}}}`);
    }
    const filled = (await textRun('Hi {{constructor}}', { prompt: { mode: 'text', template: 'Hi {{constructor}}', variables: { constructor: 'Ada' } } })).body;
    expect((await follow(filled.id)).at(-1)!.data).toMatchObject({ panes: [{ text: 'Hi Ada' }] });
  });

  it('cuts titles and export names on whole characters, never half an emoji', async () => {
    const prompt = `${'a'.repeat(58)}😀😀 and more`;
    const run = (await textRun(prompt)).body;
    await follow(run.id);
    const session = (await call<PlaygroundSession>('GET', `/api/playground/sessions/${run.sessionId}`)).body;
    expect(session.title).toBe(`${'a'.repeat(58)}😀…`);
    await call('PATCH', `/api/playground/sessions/${run.sessionId}`, { title: `${'b'.repeat(59)}😀 tail` });
    const res = await app.inject({ url: `/api/playground/sessions/${run.sessionId}/export` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent(`${'b'.repeat(59)}😀.playground.json`));
  });
});

describe('history', () => {
  it('searches words people wrote and read, not the stored field names', async () => {
    const run = (await textRun('a quokka smiles')).body;
    await follow(run.id);
    const search = async (q: string) =>
      (await call<{ sessions: PlaygroundSessionSummary[] }>('GET', `/api/playground/sessions?q=${encodeURIComponent(q)}`)).body.sessions.map((s) => s.id);
    expect(await search('quokka')).toContain(run.sessionId);
    expect(await search('QUOKKA smiles')).toContain(run.sessionId);
    for (const key of ['status', 'finishReason', 'renderedPrompt', 'nf4', 'done']) expect(await search(key), key).not.toContain(run.sessionId);
  });

  it('lists history a page at a time, newest first, with nothing missed or repeated', async () => {
    for (let i = 0; i < 5; i++) {
      await call('POST', '/api/playground/sessions', { title: `Paging ${i}` });
      await new Promise((r) => setTimeout(r, 3)); // distinct times, so the expected order is known
    }
    type Page = { sessions: PlaygroundSessionSummary[]; nextCursor: string | null };
    const all = (await call<Page>('GET', '/api/playground/sessions?q=paging&limit=10')).body;
    expect(all.sessions.map((s) => s.title)).toEqual(['Paging 4', 'Paging 3', 'Paging 2', 'Paging 1', 'Paging 0']);
    expect(all.nextCursor).toBeNull();
    const pages: string[][] = [];
    let after: string | null = '';
    while (after !== null) {
      const page: Page = (await call<Page>('GET', `/api/playground/sessions?q=paging&limit=2${after ? `&after=${after}` : ''}`)).body;
      pages.push(page.sessions.map((s) => s.title));
      after = page.nextCursor;
    }
    expect(pages).toEqual([['Paging 4', 'Paging 3'], ['Paging 2', 'Paging 1'], ['Paging 0']]);
    const bad = await call<{ error: { code: string; message: string } }>('GET', '/api/playground/sessions?after=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/cursor/);
  });

  it('imports a session file larger than the default request limit', async () => {
    const run = (await textRun('big')).body;
    const [done] = (await follow(run.id)).slice(-1).map((e) => e.data as PlaygroundRun);
    const file = (await call<PlaygroundSessionFile>('GET', `/api/playground/sessions/${run.sessionId}/export`)).body;
    const big = 'lorem ipsum '.repeat(200_000); // 2.4 MB
    file.session.runs[0]!.panes[0]!.text = big;
    const imported = await call<PlaygroundSession>('POST', '/api/playground/sessions/import', file);
    expect(imported.status).toBe(201);
    expect(imported.body.runs[0]!.panes[0]!.text).toBe(big);
    expect(done!.panes[0]!.text).toBe('big');
    const reordered = structuredClone(file);
    reordered.session.runs[0]!.panes[0]!.index = 2;
    expect((await call<{ error: { code: string } }>('POST', '/api/playground/sessions/import', reordered)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('names the exported file after the title, also when it is not ASCII', async () => {
    const run = (await textRun('title')).body;
    await follow(run.id);
    await call('PATCH', `/api/playground/sessions/${run.sessionId}`, { title: 'Café ☕ tests' });
    const res = await app.inject({ url: `/api/playground/sessions/${run.sessionId}/export` });
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Caf  tests.playground.json"; filename*=UTF-8''${encodeURIComponent('Café ☕ tests.playground.json')}`,
    );
  });
});
