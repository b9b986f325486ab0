/**
 * Hub downloads as jobs, against a loopback Hub (HF_ENDPOINT): a model download registers the
 * model when it completes, a dataset import stores the dataset, and an unreachable Hub fails
 * the job with the reason and stores nothing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BaseModel, Dataset, Job } from '@qlora-studio/contracts';
import { makeTinyModel } from '@qlora-studio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, tempHome, waitForStatus } from './helpers.js';

const repos = new Map<string, Map<string, Buffer>>();
let hub: http.Server;

/** The two Hub endpoints downloads use: the file tree listing and file resolution. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const tree = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/tree\/[^/]+$/.exec(url.pathname);
  const resolve = /^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(url.pathname);
  const key = tree ? `${tree[1] === 'datasets' ? 'datasets:' : ''}${tree[2]}` : resolve ? `${resolve[1] ? 'datasets:' : ''}${resolve[2]}` : '';
  const files = repos.get(key);
  if (!files) {
    res.writeHead(404, { 'Content-Type': 'application/json', 'X-Error-Code': 'RepoNotFound' });
    return void res.end('{"error":"Repository not found"}');
  }
  if (tree) {
    const entries = [...files].map(([name, bytes]) => ({
      type: 'file',
      path: name,
      size: bytes.length,
      oid: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
    }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return void res.end(JSON.stringify(entries));
  }
  const bytes = files.get(decodeURIComponent(resolve![3]!));
  if (!bytes) {
    res.writeHead(404);
    return void res.end();
  }
  res.writeHead(200, { 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let home: string;

beforeAll(async () => {
  const model = makeTinyModel({ arch: 'qwen2', outDir: path.join(tempHome(), 'src') }).dir;
  repos.set('tiny/qwen2', new Map(fs.readdirSync(model).map((f) => [f, fs.readFileSync(path.join(model, f))])));
  const chats = [
    {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
    },
  ];
  repos.set(
    'datasets:tiny/chats',
    new Map([
      ['README.md', Buffer.from('# chats')],
      ['data/train.jsonl', Buffer.from(`${JSON.stringify(chats[0])}\n`.repeat(3))],
    ]),
  );
  hub = http.createServer(handle);
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  process.env.HF_ENDPOINT = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  home = tempHome();
  app = await makeApp({ home });
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => hub.close(r));
  delete process.env.HF_ENDPOINT;
});

async function run(type: string, config: Record<string, unknown>): Promise<Job> {
  const res = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type, config } });
  expect(res.statusCode, res.body).toBe(201);
  return waitForStatus(app, res.json<Job>().id, ['succeeded', 'failed'], 60_000);
}

describe('Hub jobs', () => {
  it('downloads a model and registers it when complete', async () => {
    const job = await run('download-model', { repo: 'tiny/qwen2', name: 'Tiny Qwen2' });
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const models = (await app.inject({ url: '/api/models' })).json<{ models: BaseModel[] }>().models;
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'Tiny Qwen2', source: 'hub', sourceRef: 'tiny/qwen2', architecture: 'qwen2' });
    expect(models[0]!.path.startsWith(path.join(home, 'models', 'hub'))).toBe(true);
  });

  it('imports a dataset file and stores it as a dataset', async () => {
    const job = await run('import-dataset', { repo: 'tiny/chats' });
    expect(job.error).toBeNull();
    const datasets = (await app.inject({ url: '/api/datasets' })).json<{ datasets: Dataset[] }>().datasets;
    expect(datasets[0]).toMatchObject({
      name: 'tiny/chats',
      source: 'hub',
      sourceRef: 'tiny/chats',
      latest: { fileName: 'train.jsonl', records: 3, format: 'messages' },
    });
  });

  it('fails with the reason when the repo does not exist, storing nothing', async () => {
    const job = await run('download-model', { repo: 'tiny/nope' });
    expect(job.status).toBe('failed');
    expect(job.error?.message).toContain('tiny/nope');
    expect((await app.inject({ url: '/api/models' })).json<{ models: BaseModel[] }>().models).toHaveLength(1);
    const bad = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'download-model', config: { repo: '../etc' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('owner/name');
  });
});
