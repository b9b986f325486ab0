/**
 * The estimate's advice on records longer than the sequence length never names a length past
 * what the model reads (the demo model reads 1024 positions).
 */
import type { BaseModel, Dataset, TrainingEstimate } from '@qlora-studio/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let dataset: Dataset;

beforeAll(async () => {
  app = await makeApp();
  model = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
  // Prompts of ~1500 tokens: longer than the model reads.
  const long = Array.from({ length: 6 }, (_, i) => JSON.stringify({ prompt: `${'one two three four five '.repeat(300)}(${i})`, completion: ' six' })).join(
    '\n',
  );
  const res = await app.inject({
    method: 'POST',
    url: '/api/datasets/upload?fileName=long.jsonl',
    headers: { 'content-type': 'application/octet-stream' },
    payload: long,
  });
  expect(res.statusCode, res.body).toBe(201);
  dataset = res.json<Dataset>();
});
afterAll(() => app.close());

async function cutWarning(seqLen: number) {
  const res = await app.inject({ method: 'POST', url: '/api/training/estimate', payload: { modelId: model.id, datasetId: dataset.id, maxSteps: 1, seqLen } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TrainingEstimate>().warnings.find((w) => /will be cut/.test(w.message))!;
}

describe('sequence-length advice in the estimate', () => {
  it('says the cut stays at the model limit instead of advising past it', async () => {
    expect(model.maxPositionEmbeddings).toBe(1024);
    const atLimit = await cutWarning(1024);
    expect(atLimit.message).toBe('6 of 6 records are longer than 1024 tokens and will be cut.');
    expect(atLimit.fix).toBe('This model reads at most 1024 tokens, so the cut stays: shorten or split the longest records.');
    const below = await cutWarning(256);
    expect(below.fix).toBe('Raise the sequence length to 1024, the most this model reads, if memory allows; longer records are still cut there.');
  });
});
