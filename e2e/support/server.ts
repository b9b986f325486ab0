import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset, Job } from '@qlora-studio/contracts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repoRoot, 'packages/server/bin/qlora.js');

export interface RunningServer {
  url: string;
  home: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/** A port nobody is listening on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server (`qlora serve`) on a free port with a fresh workspace, serving the
 * built web app, and resolves once it says it is running.
 */
export async function startServer(options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(repoRoot, 'packages/web/dist/index.html'))) {
    throw new Error('packages/web/dist is missing: run `npm run build` first (`npm test` does).');
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: repoRoot,
    env: { ...process.env, QLORA_STUDIO_HOME: home, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const expected = `QLoRA Studio is running at http://127.0.0.1:${port}`;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The server did not start within ${options.timeoutMs ?? 60_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(expected)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (code ${code}, signal ${signal}) before it was ready. Output:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    home,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Issues an access token with the CLI, for the given workspace. */
export function createToken(home: string, role: 'member' | 'practitioner'): string {
  const result = spawnSync(process.execPath, [cli, 'token', 'create', '--role', role, '--name', `e2e ${role}`, '--home', home], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const token = /^\s{2}(\S+)\s*$/m.exec(result.stdout)?.[1];
  if (result.status !== 0 || !token) throw new Error(`qlora token create failed:\n${result.stdout}\n${result.stderr}`);
  return token;
}

/** Calls the API from the test process. */
export async function apiFetch<T>(server: RunningServer, method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(server.url + url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Uploads `body` as a dataset file named `fileName` through the API, as the Fine-tune page's upload does. */
export async function uploadDataset(server: RunningServer, fileName: string, body: string): Promise<Dataset> {
  const upload = await fetch(`${server.url}/api/datasets/upload?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body,
  });
  if (!upload.ok) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
  return (await upload.json()) as Dataset;
}

/** Queues a fine-tune with `config` and waits until it succeeds (failing with its error otherwise). */
export async function fineTune(server: RunningServer, config: Record<string, unknown>, timeoutMs = 150_000): Promise<Job> {
  const job = await apiFetch<Job>(server, 'POST', '/api/jobs', { type: 'train', config });
  return waitFor(
    async () => {
      const j = await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`);
      return j.status === 'succeeded' ? j : j.status === 'failed' ? Promise.reject(new Error(`fine-tune failed: ${j.error?.message}`)) : undefined;
    },
    timeoutMs,
    'the fine-tune to finish',
  );
}
