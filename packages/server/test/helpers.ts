import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, JobStatus, Role } from '@qlora-studio/contracts';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/app.js';
import { createToken } from '../src/store/tokens-repo.js';

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-test-'));
}

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A fresh app over a fresh workspace; close() also removes the workspace. */
export async function makeApp(options: Partial<AppOptions> = {}): Promise<FastifyInstance & { home: string }> {
  const home = options.home ?? tempHome();
  const app = await buildApp({ home, webRoot: null, resourceIntervalMs: 200, ...options });
  app.addHook('onClose', async () => {
    if (!options.home) fs.rmSync(home, { recursive: true, force: true });
  });
  await app.ready();
  return Object.assign(app, { home });
}

export function tokenFor(app: FastifyInstance, role: Role): string {
  return createToken(app.ctx.db, role, `${role} test`).token;
}

export async function createSystemCheck(app: FastifyInstance, config: Record<string, unknown> = {}): Promise<Job> {
  const res = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'system-check', config } });
  if (res.statusCode !== 201) throw new Error(`createJob answered ${res.statusCode}: ${res.body}`);
  return res.json<Job>();
}

/** Poll until the job reaches one of `statuses` (or fail after `timeoutMs`). */
export async function waitForStatus(app: FastifyInstance, id: string, statuses: JobStatus[], timeoutMs = 30_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await app.inject({ url: `/api/jobs/${id}` })).json<Job>();
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${id} is ${job.status}, still not ${statuses.join('|')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
