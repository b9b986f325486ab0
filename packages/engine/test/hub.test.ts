/**
 * downloadModel against a real HTTP server on 127.0.0.1 that answers the calls the Hub client
 * makes: the tree listing `/api/models/{repo}/tree/{rev}` and `/{repo}/resolve/{rev}/{file}`
 * with Range support. No traffic leaves the machine.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { downloadModel, localModelDir, type DownloadProgress, downloadDatasetFile } from '../src/io/hub.js';
import { loadModelFolder } from '../src/io/model-folder.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-hub-'));

interface Repo {
  files: Map<string, Buffer>;
  /** Bytes served instead of the real ones (to simulate damage in transit). */
  corrupt?: Set<string>;
}
interface Seen {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

const repos = new Map<string, Repo>();
const seen: Seen[] = [];
let requiredToken: string | null = null;
let server: http.Server;
let hubUrl: string;

function readFolder(dir: string, extra: Record<string, string> = {}): Map<string, Buffer> {
  const files = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  for (const [name, text] of Object.entries(extra)) files.set(name, Buffer.from(text));
  return files;
}

function treeEntry(name: string, bytes: Buffer): Record<string, unknown> {
  const gitOid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  if (!name.endsWith('.safetensors')) return { type: 'file', oid: gitOid, size: bytes.length, path: name };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { type: 'file', oid: gitOid, size: bytes.length, path: name, lfs: { oid: sha256, size: bytes.length, pointerSize: 134 } };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  seen.push({ method: req.method ?? '', path: url.pathname, range: req.headers.range, authorization: req.headers.authorization });
  if (requiredToken !== null && req.headers.authorization !== `Bearer ${requiredToken}`) {
    return json(res, 401, { error: 'Invalid credentials in Authorization header' });
  }
  // Dataset repos live under /api/datasets/… and /datasets/…/resolve; kept apart by a "datasets:" key.
  const tree = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(url.pathname);
  const resolve = /^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
  const key = tree ? `${tree[1] === 'datasets' ? 'datasets:' : ''}${tree[2]}` : resolve ? `${resolve[1] ? 'datasets:' : ''}${resolve[2]}` : '';
  const repo = repos.get(key);
  // What the Hub answers, without a token, for a repo that does not exist or is private.
  if (!repo && !req.headers.authorization) return json(res, 401, { error: 'Invalid username or password.' }, { 'X-Error-Code': 'RepoNotFound' });
  if (!repo) return json(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
  if (tree) {
    const entries = [...repo.files].map(([name, bytes]) => treeEntry(name, bytes));
    entries.push({ type: 'directory', oid: 'd'.repeat(40), size: 0, path: 'onnx' });
    return json(res, 200, entries);
  }
  const name = decodeURIComponent(resolve![4]!);
  let bytes = repo.files.get(name);
  if (!bytes) return json(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
  if (repo.corrupt?.has(name)) bytes = Buffer.from(bytes.map((b) => b ^ 0xff));
  const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Number(range[2]) : bytes.length - 1;
    if (start >= bytes.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` });
      return void res.end();
    }
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
      ETag: etag,
    });
    return void res.end(bytes.subarray(start, end + 1));
  }
  res.writeHead(200, { 'Content-Length': String(bytes.length), 'Accept-Ranges': 'bytes', ETag: etag });
  res.end(bytes);
}

beforeAll(async () => {
  const single = makeTinyModel({ arch: 'llama', outDir: path.join(root, 'src-single') }).dir;
  repos.set('tiny/llama', {
    files: readFolder(single, { 'README.md': '# tiny', '.gitattributes': '*.safetensors filter=lfs', 'pytorch_model.bin': 'not wanted' }),
  });
  const sharded = makeTinyModel({ arch: 'qwen2', outDir: path.join(root, 'src-sharded'), shards: 2 }).dir;
  repos.set('tiny/qwen2-sharded', { files: readFolder(sharded, { 'chat_template.jinja': '{{ messages[0].content }}' }) });
  repos.set('tiny/damaged', { files: readFolder(single), corrupt: new Set(['model.safetensors']) });
  repos.set('tiny/no-weights', { files: new Map([...readFolder(single)].filter(([name]) => !name.endsWith('.safetensors'))) });
  const chats = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
  repos.set('datasets:tiny/chats', {
    files: new Map([
      ['README.md', Buffer.from('# chats')],
      ['data/train.jsonl', Buffer.from(chats)],
    ]),
  });
  repos.set('datasets:tiny/many', {
    files: new Map([
      ['a.jsonl', Buffer.from(chats)],
      ['b.csv', Buffer.from('prompt,completion\nhi,hello\n')],
    ]),
  });
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  seen.length = 0;
  requiredToken = null;
});

let counter = 0;
const cacheDir = (): string => path.join(root, `cache${counter++}`);

async function errorOf(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

function expectSameFiles(dir: string, repo: string, names: string[]): void {
  expect(fs.readdirSync(dir).sort()).toEqual([...names].sort());
  for (const name of names) expect(fs.readFileSync(path.join(dir, name)).equals(repos.get(repo)!.files.get(name)!), name).toBe(true);
}

const modelFiles = ['config.json', 'generation_config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];

describe('downloadModel', () => {
  it('downloads only the files a model needs, byte for byte, reporting progress', async () => {
    const progress: DownloadProgress[] = [];
    const dir = await downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl, token: '', onProgress: (p) => progress.push(p) });
    expect(dir.endsWith('tiny--llama')).toBe(true);
    expectSameFiles(dir, 'tiny/llama', modelFiles);
    expect(
      seen
        .filter((s) => s.path.includes('/resolve/'))
        .map((s) => path.basename(s.path))
        .sort(),
    ).toEqual([...modelFiles].sort());
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ file: 'model.safetensors', fileIndex: 5, fileCount: 6 });
    expect(last.bytes).toBe(last.totalBytes);
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(modelFiles));
    const model = loadModelFolder(dir);
    expect(model.tokenizer.decode(model.tokenizer.encode('Hello'), { skipSpecialTokens: true })).toBe('Hello');
    model.weights.close();
  });

  it('resumes a partial file with a Range request and skips complete ones', async () => {
    const cache = cacheDir();
    const dir = localModelDir(cache, 'tiny/llama');
    const weights = repos.get('tiny/llama')!.files.get('model.safetensors')!;
    const half = Math.floor(weights.length / 2);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.safetensors.part'), weights.subarray(0, half));
    fs.writeFileSync(path.join(dir, 'config.json'), repos.get('tiny/llama')!.files.get('config.json')!);
    await downloadModel({ repo: 'tiny/llama', cacheDir: cache, hubUrl, token: '' });
    const weightRequests = seen.filter((s) => s.path.endsWith('/model.safetensors'));
    expect(weightRequests).toEqual([expect.objectContaining({ range: `bytes=${half}-` })]);
    expect(seen.some((s) => s.path.endsWith('/config.json'))).toBe(false);
    expectSameFiles(dir, 'tiny/llama', modelFiles);
  });

  it('downloads a sharded model: the index, then the shards it names, and chat_template.jinja', async () => {
    const dir = await downloadModel({ repo: 'tiny/qwen2-sharded', revision: 'v1.0', cacheDir: cacheDir(), hubUrl, token: '' });
    expect(path.basename(dir)).toBe('tiny--qwen2-sharded@v1.0');
    const names = [...repos.get('tiny/qwen2-sharded')!.files.keys()];
    expectSameFiles(dir, 'tiny/qwen2-sharded', names);
    expect(seen.some((s) => s.path === '/api/models/tiny/qwen2-sharded/tree/v1.0')).toBe(true);
    const model = loadModelFolder(dir);
    expect(model.chatTemplate).toBe('{{ messages[0].content }}');
    model.weights.close();
  });

  it('sends the token as a Bearer Authorization header, from HF_TOKEN by default', async () => {
    requiredToken = 'hf_secret';
    await downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl, token: 'hf_secret' });
    expect(seen.length).toBeGreaterThan(6);
    expect(seen.every((s) => s.authorization === 'Bearer hf_secret')).toBe(true);
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = 'hf_secret';
    try {
      await downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl });
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
    }
  });

  it('HUB_UNAUTHORIZED when the Hub refuses the token (401)', async () => {
    requiredToken = 'hf_secret';
    const error = await errorOf(downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl, token: 'hf_wrong' }));
    expect(error.code).toBe('HUB_UNAUTHORIZED');
    expect(error.message).toContain('401');
    expect((await errorOf(downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl, token: 'not-a-token' }))).code).toBe('HUB_UNAUTHORIZED');
  });

  it('HUB_NOT_FOUND for a repo the Hub does not have, or one without safetensors', async () => {
    const error = await errorOf(downloadModel({ repo: 'tiny/nope', cacheDir: cacheDir(), hubUrl, token: 'hf_any' }));
    expect(error.code).toBe('HUB_NOT_FOUND');
    expect(error.message).toContain('tiny/nope');
    // Without a token the Hub says 401 with X-Error-Code RepoNotFound: still "not found", not "bad token".
    expect((await errorOf(downloadModel({ repo: 'tiny/nope', cacheDir: cacheDir(), hubUrl, token: '' }))).code).toBe('HUB_NOT_FOUND');
    expect((await errorOf(downloadModel({ repo: 'tiny/no-weights', cacheDir: cacheDir(), hubUrl, token: '' }))).message).toContain('no safetensors weights');
  });

  it('HUB_OFFLINE when nothing listens (connection refused)', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await errorOf(downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl: `http://127.0.0.1:${port}`, token: '' }));
    expect(error.code).toBe('HUB_OFFLINE');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not keep a file whose checksum does not match the listing', async () => {
    const cache = cacheDir();
    const error = await errorOf(downloadModel({ repo: 'tiny/damaged', cacheDir: cache, hubUrl, token: '' }));
    expect(error.message).toContain('model.safetensors arrived damaged');
    expect(error.code).toBe('HUB_DOWNLOAD_DAMAGED');
    expect(seen.filter((s) => s.path.endsWith('/model.safetensors'))).toHaveLength(2);
    const dir = localModelDir(cache, 'tiny/damaged');
    expect(fs.existsSync(path.join(dir, 'model.safetensors'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'model.safetensors.part'))).toBe(false);
  });

  it('stops with an AbortError when canceled, and refuses odd repo ids', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(downloadModel({ repo: 'tiny/llama', cacheDir: cacheDir(), hubUrl, token: '', signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect((await errorOf(downloadModel({ repo: '../etc', cacheDir: cacheDir(), hubUrl }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('downloadDatasetFile', () => {
  it('downloads the only data file of a dataset repo, at its path', async () => {
    const destDir = cacheDir();
    const file = await downloadDatasetFile({ repo: 'tiny/chats', destDir, hubUrl, token: '' });
    expect(file).toBe(path.join(destDir, 'data', 'train.jsonl'));
    expect(fs.readFileSync(file)).toEqual(repos.get('datasets:tiny/chats')!.files.get('data/train.jsonl'));
    expect(seen.some((s) => s.path === '/api/datasets/tiny/chats/tree/main')).toBe(true);
    expect(seen.some((s) => s.path === '/datasets/tiny/chats/resolve/main/data/train.jsonl')).toBe(true);
  });

  it('asks which file when a repo has several, and takes the one named', async () => {
    const error = await errorOf(downloadDatasetFile({ repo: 'tiny/many', destDir: cacheDir(), hubUrl, token: '' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('a.jsonl, b.csv');
    const file = await downloadDatasetFile({ repo: 'tiny/many', file: 'b.csv', destDir: cacheDir(), hubUrl, token: '' });
    expect(fs.readFileSync(file, 'utf8')).toContain('prompt,completion');
    expect((await errorOf(downloadDatasetFile({ repo: 'tiny/many', file: 'c.csv', destDir: cacheDir(), hubUrl, token: '' }))).message).toContain(
      'has no file c.csv',
    );
  });

  it('says clearly when the dataset does not exist or the Hub cannot be reached', async () => {
    const missing = await errorOf(downloadDatasetFile({ repo: 'tiny/nope', destDir: cacheDir(), hubUrl, token: '' }));
    expect(missing.code).toBe('HUB_NOT_FOUND');
    expect(missing.message).toContain('no dataset "tiny/nope"');
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const offline = await errorOf(downloadDatasetFile({ repo: 'tiny/chats', destDir: cacheDir(), hubUrl: `http://127.0.0.1:${port}`, token: '' }));
    expect(offline.code).toBe('HUB_OFFLINE');
  });
});
