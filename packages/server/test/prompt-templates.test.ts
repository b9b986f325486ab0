/**
 * Question/answer data on a base model without a chat template, through the API (issue 12 §1
 * and §5): the CSV is read as prompt/completion; the report, a train job and the Playground all
 * need a prompt template, say so, and use the one chosen; a fixed file uploaded as a new version
 * is detected afresh unless the previous layout is kept on purpose.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BaseModel, Dataset, DatasetReport, Job, PlaygroundCatalogue, PlaygroundRun, TrainingEstimate } from '@qlora-studio/contracts';
import { makeTinyModel } from '@qlora-studio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let model: BaseModel;
let dataset: Dataset;

const csv = 'Question,Answer\n"What is 0.2 x 50?",10\n"What is 3+3?",6\n"Name a colour.",Blue\n"Say hi.",hi\n';

function upload(payload: string, fileName: string, url = '/api/datasets/upload') {
  return app.inject({
    method: 'POST',
    url: `${url}${url.includes('?') ? '&' : '?'}fileName=${encodeURIComponent(fileName)}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload,
  });
}

beforeAll(async () => {
  app = await makeApp();
  // A base model: no chat template.
  const dir = makeTinyModel({
    arch: 'llama',
    outDir: path.join(app.home, 'base-model'),
    hiddenSize: 32,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 128,
    chatTemplate: false,
  }).dir;
  const registered = await app.inject({ method: 'POST', url: '/api/models', payload: { path: dir, name: 'base' } });
  expect(registered.statusCode).toBe(201);
  model = registered.json<BaseModel>();
  expect(model.hasChatTemplate).toBe(false);
  const res = await upload(csv, 'gsm.csv');
  expect(res.statusCode).toBe(201);
  dataset = res.json<Dataset>();
});
afterAll(async () => {
  await app.close();
});

const report = (query: string) => app.inject({ url: `/api/datasets/${dataset.id}/report?modelId=${model.id}&seqLen=64&samples=1${query}` });

describe('question / answer data on a base model', () => {
  it('reads a Question,Answer CSV as prompt / completion and shows the mapping it found', async () => {
    expect(dataset.latest).toMatchObject({ format: 'prompt-completion', records: 4, valid: 4, errorCount: 0 });
    const plain = (await app.inject({ url: `/api/datasets/${dataset.id}/report` })).json<DatasetReport>();
    expect(plain.mapping).toEqual({ prompt: 'Question', completion: 'Answer' });
  });

  it('the report says a prompt template is needed, and previews the one chosen with only the answers trained', async () => {
    const without = (await report('')).json<DatasetReport>();
    expect(without.errorCount).toBe(4);
    expect(without.problems[0]!.message).toMatch(/need a prompt template/);
    const withTemplate = (await report('&promptTemplate=question-answer')).json<DatasetReport>();
    expect(withTemplate.errorCount).toBe(0);
    const pieces = withTemplate.samples[0]!.pieces;
    expect(pieces.map((p) => p.text).join('')).toBe('<s>Question: What is 0.2 x 50?\nAnswer: 10</s>');
    expect(
      pieces
        .filter((p) => p.trained)
        .map((p) => p.text)
        .join(''),
    ).toBe(' 10</s>');
    const custom = (await report(`&promptTemplate=custom&customTemplate=${encodeURIComponent('Q: {prompt}\nA: {response}')}`)).json<DatasetReport>();
    expect(custom.samples[0]!.pieces.map((p) => p.text).join('')).toBe('<s>Q: What is 0.2 x 50?\nA: 10</s>');
    const bad = await report(`&promptTemplate=custom&customTemplate=${encodeURIComponent('Q: {question} A: {response}')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/\{question\}, which is not a placeholder/);
  });

  it('estimates a run with the template from the records it makes trainable', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/training/estimate',
      payload: { modelId: model.id, datasetId: dataset.id, maxSteps: 2, seqLen: 64, promptTemplate: { id: 'question-answer' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<TrainingEstimate>()).toMatchObject({ records: 4, steps: 2 });
  });

  it('refuses a fine-tune without a template before queueing it, naming the fix', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: { type: 'train', config: { modelId: model.id, datasetId: dataset.id, maxSteps: 1, seqLen: 64 } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'TRAIN_CONFIG_INVALID',
      message: expect.stringMatching(/choose a prompt template/),
    });
  });

  it('trains with the template, keeps it with the adapter, and the Playground prompts the adapter (and the base, when asked) with it', async () => {
    const template = { id: 'question-answer' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: {
        type: 'train',
        config: { modelId: model.id, datasetId: dataset.id, maxSteps: 2, seqLen: 64, batchSize: 2, learningRate: 1e-3, promptTemplate: template },
      },
    });
    expect(res.statusCode).toBe(201);
    const job = await waitForStatus(app, res.json<Job>().id, ['succeeded', 'failed'], 120_000);
    expect(job.error).toBeNull();
    const outputDir = (job.config as { resolved: { outputDir: string } }).resolved.outputDir;
    expect(fs.existsSync(path.join(outputDir, 'chat_template.jinja'))).toBe(true);

    const catalogue = (await app.inject({ url: '/api/playground/models' })).json<PlaygroundCatalogue>();
    expect(catalogue.adapters.find((a) => a.id === job.id)?.promptTemplate).toEqual(template);

    const chat = { mode: 'chat', system: '', messages: [{ role: 'user', content: 'What is 3+3?' }], variables: {} };
    const settings = { temperature: 0, topP: 1, topK: 0, maxNewTokens: 4, repetitionPenalty: 1, seed: 1, stopStrings: [] };
    const refused = await app.inject({ method: 'POST', url: '/api/playground/runs', payload: { prompt: chat, settings, panes: [{ modelId: model.id }] } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/choose a prompt template/);
    const created = await app.inject({
      method: 'POST',
      url: '/api/playground/runs',
      payload: {
        prompt: chat,
        settings,
        panes: [
          { modelId: model.id, adapterId: job.id },
          { modelId: model.id, promptTemplate: template },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const run = await finishedRun(created.json<PlaygroundRun>().id);
    expect(run.panes.map((p) => [p.status, p.renderedPrompt])).toEqual([
      ['done', '<s>Question: What is 3+3?\nAnswer:'],
      ['done', '<s>Question: What is 3+3?\nAnswer:'],
    ]);
  }, 180_000);
});

async function finishedRun(id: string): Promise<PlaygroundRun> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await app.inject({ url: `/api/playground/runs/${id}` })).json<PlaygroundRun>();
    if (run.panes.every((p) => ['done', 'stopped', 'failed'].includes(p.status))) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} did not finish: ${JSON.stringify(run.panes.map((p) => p.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a new version of a dataset', () => {
  it('is detected afresh: a text file after a version read as prompt / completion is read as text', async () => {
    const qa = (await upload('{"q":"2+2?","a":"4"}\n{"q":"3+3?","a":"6"}\n', 'qa.jsonl')).json<Dataset>();
    const reparsed = await app.inject({
      method: 'POST',
      url: `/api/datasets/${qa.id}/reparse`,
      payload: { parseOptions: { format: 'prompt-completion', columns: { prompt: 'q', completion: 'a' } } },
    });
    expect(reparsed.json<Dataset>().latest).toMatchObject({ version: 2, valid: 2 });
    const text = (await upload('{"text":"one"}\n{"text":"two"}\n', 'texts.jsonl', `/api/datasets/${qa.id}/upload`)).json<Dataset>();
    expect(text.latest).toMatchObject({ version: 3, format: 'text', valid: 2, errorCount: 0, parseOptions: {} });
  });

  it('keeps the previous layout and mapping when asked to', async () => {
    const qa = (await upload('{"q":"2+2?","a":"4"}\n', 'qa.jsonl')).json<Dataset>();
    await app.inject({
      method: 'POST',
      url: `/api/datasets/${qa.id}/reparse`,
      payload: { parseOptions: { format: 'prompt-completion', columns: { prompt: 'q', completion: 'a' } } },
    });
    const kept = (await upload('{"q":"5+5?","a":"10"}\n{"q":"1+1?","a":"2"}\n', 'qa2.jsonl', `/api/datasets/${qa.id}/upload?keepLayout=true`)).json<Dataset>();
    expect(kept.latest).toMatchObject({ version: 3, format: 'prompt-completion', valid: 2, parseOptions: { columns: { prompt: 'q', completion: 'a' } } });
  });
});
