import fs from 'node:fs';
import path from 'node:path';
import { errorBodySchema, errorCatalogue } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, tempHome } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
beforeAll(async () => {
  app = await makeApp();
});
afterAll(() => app.close());

/** Every error reply has the one shape, a catalogued code, and the catalogue's status. */
function expectError(res: { statusCode: number; json: () => unknown }, code: keyof typeof errorCatalogue) {
  const body = errorBodySchema.parse(res.json());
  expect(body.error.code).toBe(code);
  expect(res.statusCode).toBe(errorCatalogue[code].status);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

describe('error shape', () => {
  it('names the invalid field of a body', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'system-check', config: { matrixSize: 5 } } });
    const body = expectError(res, 'VALIDATION_FAILED');
    expect(body.error.message).toMatch(/config\.matrixSize/);
    expect(body.error.details).toMatchObject({ issues: [{ path: 'config.matrixSize' }] });
  });

  it('rejects malformed JSON and unknown settings', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/jobs', payload: '{"type":', headers: { 'content-type': 'application/json' } });
    expectError(bad, 'VALIDATION_FAILED');
    const unknown = await app.inject({ method: 'PATCH', url: '/api/settings', payload: { colour: 'blue' } });
    expectError(unknown, 'VALIDATION_FAILED');
    const outOfRange = await app.inject({ method: 'PATCH', url: '/api/settings', payload: { jobConcurrency: 99 } });
    expect(expectError(outOfRange, 'VALIDATION_FAILED').error.message).toMatch(/jobConcurrency/);
  });

  it('rejects a query out of range', async () => {
    expectError(await app.inject({ url: '/api/jobs?limit=100000' }), 'VALIDATION_FAILED');
    expectError(await app.inject({ url: '/api/jobs?status=exploded' }), 'VALIDATION_FAILED');
  });

  it('answers unknown API paths and jobs with 404 in the error shape', async () => {
    expectError(await app.inject({ url: '/api/nothing-here' }), 'NOT_FOUND');
    expectError(await app.inject({ method: 'POST', url: '/api/health' }), 'NOT_FOUND');
    expectError(await app.inject({ url: '/api/jobs/job_missing' }), 'JOB_NOT_FOUND');
  });

  it('refuses an oversized body', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/api/settings', payload: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    expectError(res, 'PAYLOAD_TOO_LARGE');
  });

  it('says what to do next for every code', () => {
    for (const entry of Object.values(errorCatalogue)) expect(entry.hint.length).toBeGreaterThan(10);
  });
});

describe('health and resources', () => {
  it('reports each part and the worst status overall', async () => {
    const res = await app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const health = res.json();
    expect(health.checks.api.status).toBe('ok');
    expect(health.checks.database.status).toBe('ok');
    expect(health.checks.engine).toMatchObject({ status: 'ok' });
    expect(health.checks.engine.onnxruntime).toMatch(/^\d+\.\d+/);
    expect(health.checks.disk.freeBytes).toBeGreaterThan(0);
  });

  it('keeps live resource samples', async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const { samples, intervalSeconds } = (await app.inject({ url: '/api/system/resources' })).json();
    expect(intervalSeconds).toBe(0.2);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    const last = samples.at(-1);
    expect(last.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(last.cpuPercent).toBeLessThanOrEqual(100);
    expect(last.memoryUsedBytes).toBeGreaterThan(0);
    expect(last.memoryUsedBytes).toBeLessThanOrEqual(last.memoryTotalBytes);
  });

  it('publishes an OpenAPI document of every route', async () => {
    const doc = (await app.inject({ url: '/api/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/jobs', '/api/jobs/{id}', '/api/events']));
    expect(doc.paths['/api/jobs'].post.requestBody).toBeDefined();
  });
});

describe('web app', () => {
  it('serves the built app, with client routes falling back to index.html', async () => {
    const webRoot = tempHome();
    fs.mkdirSync(path.join(webRoot, 'assets'));
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>QLoRA Studio</title>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'main-abc123.js'), 'console.log(1)');
    const web = await makeApp({ webRoot });
    try {
      const root = await web.inject({ url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('<title>QLoRA Studio</title>');
      expect(root.headers['cache-control']).toBe('no-cache');
      const page = await web.inject({ url: '/activity/job_123' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>QLoRA Studio</title>');
      expect(page.headers['cache-control']).toBe('no-cache');
      const asset = await web.inject({ url: '/assets/main-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expectError(await web.inject({ url: '/assets/missing.js' }), 'NOT_FOUND');
      expectError(await web.inject({ url: '/api/missing' }), 'NOT_FOUND');
    } finally {
      await web.close();
      fs.rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it('explains how to build the web app when it is missing', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('npm run build');
  });
});
