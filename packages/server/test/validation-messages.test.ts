/** A refused request names the field by its label, with the allowed range, in plain words. */
import type { ErrorBody } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
beforeAll(async () => {
  app = await makeApp();
});
afterAll(() => app.close());

describe('validation messages', () => {
  it('says what a fine-tune setting must be, not what zod expected', async () => {
    const create = (config: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'train', config: { modelId: 'm', datasetId: 'd', ...config } } });
    const res = await create({ learningRate: 5 });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ErrorBody>();
    expect(error.message).toBe('The request body is not valid: Learning rate must be more than 0 and at most 1. (config.learningRate)');
    expect(error.details).toEqual({ issues: [{ path: 'config.learningRate', message: 'Learning rate must be more than 0 and at most 1.' }] });
    const rank = (await create({ lora: { r: 1000 }, batchSize: 1.5 })).json<ErrorBody>();
    expect(rank.error.details).toEqual({
      issues: expect.arrayContaining([
        { path: 'config.lora.r', message: 'LoRA rank (r) must be a whole number from 1 to 512.' },
        { path: 'config.batchSize', message: 'Batch size must be a whole number from 1 to 256.' },
      ]),
    });
  });

  it('words settings and queries the same way', async () => {
    const settings = (await app.inject({ method: 'PATCH', url: '/api/settings', payload: { jobConcurrency: 99 } })).json<ErrorBody>();
    expect(settings.error.message).toMatch(/^The request body is not valid: Job concurrency must be a whole number from 1 to \d+\. \(jobConcurrency\)$/);
    const query = (await app.inject({ url: '/api/jobs?limit=100000' })).json<ErrorBody>();
    expect(query.error.message).toBe('The request query string is not valid: Limit must be a whole number from 1 to 500. (limit)');
    expect(JSON.stringify([settings, query])).not.toMatch(/Too (big|small)|expected number/);
  });
});
