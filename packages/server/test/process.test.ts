import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job } from '@qlora-studio/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { tempHome } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/qlora.js', import.meta.url));
const children: ChildProcess[] = [];
const homes: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function home(): string {
  const dir = tempHome();
  homes.push(dir);
  return dir;
}

/** Start `qlora serve` as a real process and wait for the line that gives its address. */
async function startServer(workspace: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--home', workspace, '--web-root', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, base };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the server process', () => {
  it('survives SIGKILL mid-job: on restart the job is interrupted and nothing else is lost', async () => {
    const workspace = home();
    const first = await startServer(workspace);
    const post = (body: unknown) =>
      fetch(`${first.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Job>,
      );
    const quick = await post({ type: 'system-check', config: { benchmarkSeconds: 0.2, matrixSize: 64 } });
    const getJob = (base: string, id: string) => fetch(`${base}/api/jobs/${id}`).then((r) => r.json() as Promise<Job>);
    await until(
      () => getJob(first.base, quick.id),
      (j) => j.status === 'succeeded',
    );
    const long = await post({ type: 'system-check', config: { benchmarkSeconds: 30, matrixSize: 512 } });
    await until(
      () => getJob(first.base, long.id),
      (j) => j.status === 'running' && j.progress !== null,
    );

    const log = fs.readFileSync(path.join(workspace, 'logs', 'server.log'), 'utf8');
    const started = log
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; jobId?: string; pid?: number })
      .find((entry) => entry.msg === 'job started' && entry.jobId === long.id);
    expect(started?.pid).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // The worker notices its parent is gone and stops, instead of computing for nobody.
    await until(
      async () => alive(started!.pid!),
      (isAlive) => !isAlive,
      10_000,
    );

    const second = await startServer(workspace);
    const after = await getJob(second.base, long.id);
    expect(after.status).toBe('interrupted');
    expect(after.error?.message).toMatch(/server stopped/);
    const kept = await getJob(second.base, quick.id);
    expect(kept.status).toBe('succeeded');
    expect(kept.result).toMatchObject({ bestGflops: expect.any(Number) });
    const activity = (await fetch(`${second.base}/api/activity`).then((r) => r.json())) as { events: { kind: string }[] };
    expect(activity.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['job.interrupted', 'job.succeeded', 'server.started']));
  });
});

describe('a fine-tune across a server crash', () => {
  it('SIGKILL mid-training, restart, resume: the same final loss and adapter bytes as an uninterrupted run', async () => {
    const workspace = home();
    const first = await startServer(workspace);
    const api = async <T>(base: string, method: string, url: string, body?: unknown, raw?: string): Promise<T> => {
      const headers: Record<string, string> =
        raw !== undefined ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {};
      const res = await fetch(`${base}${url}`, {
        method,
        headers,
        ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as T;
    };
    const model = await api<{ id: string }>(first.base, 'POST', '/api/models/demo', {});
    const rows = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Name ${i}?` },
          { role: 'assistant', content: `Number ${i}.` },
        ],
      }),
    );
    const dataset = await api<{ id: string }>(first.base, 'POST', '/api/datasets/upload?fileName=names.jsonl', undefined, rows.join('\n'));
    const config = {
      modelId: model.id,
      datasetId: dataset.id,
      maxSteps: 60,
      seqLen: 64,
      batchSize: 2,
      learningRate: 1e-3,
      checkpointEvery: 2,
      lora: { r: 4, dropout: 0.1 },
    };
    const getJob = (base: string, id: string) => api<Job>(base, 'GET', `/api/jobs/${id}`);
    const outputDir = (job: Job): string => (job.config as { resolved: { outputDir: string } }).resolved.outputDir;
    const finalLoss = (job: Job): number =>
      (JSON.parse(fs.readFileSync(path.join(outputDir(job), 'training_summary.json'), 'utf8')) as { metrics: { loss: number }[] }).metrics.at(-1)!.loss;

    const uninterrupted = await api<Job>(first.base, 'POST', '/api/jobs', { type: 'train', config });
    const full = await until(
      () => getJob(first.base, uninterrupted.id),
      (j) => j.status === 'succeeded' || j.status === 'failed',
      120_000,
    );
    expect(full.status, JSON.stringify(full.error)).toBe('succeeded');

    const crashed = await api<Job>(first.base, 'POST', '/api/jobs', { type: 'train', config });
    await until(
      () => getJob(first.base, crashed.id),
      (j) => (j.latestCheckpoint?.step ?? 0) >= 4 || j.status !== 'running',
      60_000,
    );
    expect((await getJob(first.base, crashed.id)).status).toBe('running'); // caught mid-run
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // Let its worker notice the server is gone and exit before the restart.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const second = await startServer(workspace);
    const interrupted = await getJob(second.base, crashed.id);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.latestCheckpoint!.step).toBeGreaterThanOrEqual(4);
    const resumed = await api<Job>(second.base, 'POST', `/api/jobs/${crashed.id}/resume`);
    expect(resumed.parentId, JSON.stringify(resumed)).toBe(crashed.id);
    const done = await until(
      () => getJob(second.base, resumed.id),
      (j) => j.status === 'succeeded' || j.status === 'failed',
      120_000,
    );
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(finalLoss(done)).toBe(finalLoss(full));
    const bytes = (job: Job) => fs.readFileSync(path.join(outputDir(job), 'adapter_model.safetensors'));
    expect(bytes(done).equals(bytes(full))).toBe(true);
  }, 300_000);
});

describe('qlora CLI', () => {
  it('creates, lists and revokes access tokens', async () => {
    const workspace = home();
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    expect(await main(['token', 'create', '--role', 'member', '--name', 'alice', '--home', workspace])).toBe(0);
    expect(printed.join('\n')).toMatch(/qls_[\w-]{20,}/);
    printed.length = 0;
    expect(await main(['token', 'list', '--home', workspace])).toBe(0);
    const id = /tok_[0-9a-f]+/.exec(printed.join('\n'))?.[0];
    expect(printed.join('\n')).toContain('alice');
    expect(await main(['token', 'revoke', id!, '--home', workspace])).toBe(0);
  });

  it('refuses a token without a valid role, and unknown commands', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await main(['token', 'create', '--role', 'admin', '--home', home()])).toBe(2);
    expect(errors.join('\n')).toMatch(/--role member or --role practitioner/);
    expect(await main(['launch-rockets'])).toBe(2);
  });

  it('refuses to serve beyond this machine without a practitioner token', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await main(['serve', '--host', '0.0.0.0', '--port', '0', '--home', home()])).toBe(2);
    expect(errors.join('\n')).toMatch(/Refusing to listen on 0\.0\.0\.0 without authentication/);
  });
});
