import type { JobEvent } from '@qlora-studio/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSse, formatSseComment, resumeId } from '../src/http/sse.js';
import { makeApp } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
const apps: App[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function listening(options: Parameters<typeof makeApp>[0] = {}): Promise<{ app: App; base: string }> {
  const app = await makeApp(options);
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

/** Read a stream until `until` holds for what has arrived, then hang up. */
async function readStream(url: string, until: (text: string) => boolean, headers: Record<string, string> = {}): Promise<string> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = setTimeout(() => abort.abort(), 10_000);
  try {
    while (!until(text)) {
      const { value, done } = await reader.read().catch((error: unknown) => {
        throw new Error(`Stream ended before the expected events; received:\n${text}`, { cause: error });
      });
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
  return text;
}

function frame(event: JobEvent): string {
  return `id: ${event.id}\nevent: job\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The job's events as the store holds them, independently of the code under test. */
function stored(app: App, jobId: string): JobEvent[] {
  return app.ctx.db
    .prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY id')
    .all(jobId)
    .map((row) => {
      const r = row as { id: number; job_id: string; at: string; kind: string; data: string };
      return { id: r.id, jobId: r.job_id, at: r.at, kind: r.kind, ...JSON.parse(r.data) } as JobEvent;
    });
}

/** A queued job with a few events, written straight through the job service (no worker runs). */
function seedJob(app: App): string {
  const job = app.ctx.jobs.create({ type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } });
  app.ctx.jobs.recordWorkerEvent(job.id, { kind: 'log', level: 'info', message: 'line one\nline two' });
  app.ctx.jobs.recordWorkerEvent(job.id, { kind: 'progress', step: 1, total: 4, etaSeconds: 3 });
  return job.id;
}

describe('formatSse', () => {
  it('writes the exact framing, splitting data on newlines', () => {
    expect(formatSse({ id: 7, event: 'job', data: 'a\nb\r\nc' })).toBe('id: 7\nevent: job\ndata: a\ndata: b\ndata: c\n\n');
    expect(formatSse({ retry: 3000 })).toBe('retry: 3000\n\n');
    expect(formatSseComment('heart\nbeat')).toBe(': heart beat\n\n');
  });

  it('refuses CR or LF in id and event', () => {
    expect(() => formatSse({ id: '1\n2', data: 'x' })).toThrow(/CR or LF/);
    expect(() => formatSse({ event: 'a\rb', data: 'x' })).toThrow(/CR or LF/);
  });

  it('reads the resume point from the header or the query', () => {
    expect(resumeId('12', {})).toBe(12);
    expect(resumeId(undefined, { lastEventId: '5' })).toBe(5);
    expect(resumeId(undefined, {})).toBeNull();
    expect(resumeId('nope', {})).toBeNull();
  });
});

describe('event streams', () => {
  it('replays a job history then says ready, byte for byte', async () => {
    const { app, base } = await listening();
    const jobId = seedJob(app);
    const events = stored(app, jobId);
    expect(events).toHaveLength(3);
    const text = await readStream(`${base}/api/jobs/${jobId}/stream`, (t) => t.includes('event: ready'));
    const last = events.at(-1)!.id;
    expect(text).toBe(`retry: 3000\n\n${events.map(frame).join('')}event: ready\ndata: {"lastEventId":${last}}\n\n`);
  });

  it('resumes after Last-Event-ID, from the header or the query', async () => {
    const { app, base } = await listening();
    const jobId = seedJob(app);
    const [first, ...rest] = stored(app, jobId);
    const expected = `retry: 3000\n\n${rest.map(frame).join('')}`;
    const byHeader = await readStream(`${base}/api/jobs/${jobId}/stream`, (t) => t.includes('event: ready'), {
      'last-event-id': String(first!.id),
    });
    expect(byHeader.startsWith(expected)).toBe(true);
    expect(byHeader).not.toContain(`id: ${first!.id}\n`);
    const byQuery = await readStream(`${base}/api/jobs/${jobId}/stream?lastEventId=${first!.id}`, (t) => t.includes('event: ready'));
    expect(byQuery.startsWith(expected)).toBe(true);
  });

  it('sends live events on the global stream, in order, and nothing from before', async () => {
    const { app, base } = await listening();
    const oldJob = seedJob(app);
    const reading = readStream(`${base}/api/events`, (t) => (t.match(/event: job/g) ?? []).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const live = app.ctx.jobs.create({ type: 'system-check', config: { benchmarkSeconds: 1, matrixSize: 64 } });
    app.ctx.jobs.recordWorkerEvent(live.id, { kind: 'metric', name: 'loss', value: 2.5, step: 1 });
    app.ctx.jobs.recordWorkerEvent(live.id, { kind: 'log', level: 'warn', message: 'careful' });
    const text = await reading;
    expect(text).not.toContain(oldJob);
    const sent = stored(app, live.id);
    expect(text).toContain(sent.map(frame).join(''));
  });

  it('sends heartbeats and lets go of a client that hangs up', async () => {
    const { app, base } = await listening({ heartbeatMs: 50 });
    const before = app.ctx.bus.size; // the server's own listeners
    const text = await readStream(`${base}/api/events`, (t) => t.includes(': heartbeat\n\n'));
    expect(text).toContain(': heartbeat\n\n');
    const deadline = Date.now() + 2000;
    while (app.ctx.bus.size > before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.ctx.bus.size).toBe(before);
  });

  it('answers an unknown job stream with the JSON error', async () => {
    const { base } = await listening();
    const res = await fetch(`${base}/api/jobs/job_missing/stream`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('JOB_NOT_FOUND');
  });
});
