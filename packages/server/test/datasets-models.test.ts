/**
 * Models, datasets and the train job through the API (app.inject, a temp workspace): a demo
 * model, uploads of each kind of bad file refused with nothing stored, versions, the report
 * with the masking preview, and a real fine-tune of the demo model that writes an adapter.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BaseModel, Dataset, DatasetRecords, DatasetReport, Job, TrainingEstimate } from '@qlora-studio/contracts';
import { modelArchitectures } from '@qlora-studio/contracts';
import { supportedArchitectures } from '@qlora-studio/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, tempHome, waitForStatus } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;
let app: App;
let home: string;
let model: BaseModel;

beforeAll(async () => {
  home = tempHome();
  app = await makeApp({ home });
  const res = await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} });
  expect(res.statusCode).toBe(201);
  model = res.json<BaseModel>();
});
afterAll(async () => {
  await app.close();
});

const chats = [
  {
    messages: [
      { role: 'user', content: 'Say hello.' },
      { role: 'assistant', content: 'Hello there!' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Name a colour.' },
      { role: 'assistant', content: 'Blue.' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Count to three.' },
      { role: 'assistant', content: 'One, two, three.' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Say bye.' },
      { role: 'assistant', content: 'Goodbye!' },
    ],
  },
];
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

function upload(payload: string | Buffer, fileName: string, url = '/api/datasets/upload') {
  return app.inject({
    method: 'POST',
    url: `${url}?fileName=${encodeURIComponent(fileName)}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload,
  });
}

/** What is in the datasets folder, ignoring the empty staging folder. */
function storedFiles(): string[] {
  const root = path.join(home, 'datasets');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe('models', () => {
  it('makes a demo model the engine can load, and lists it', async () => {
    expect(model).toMatchObject({ source: 'demo', architecture: 'llama', hasChatTemplate: true, layers: 2 });
    expect(model.parameters).toBeGreaterThan(0);
    const list = (await app.inject({ url: '/api/models' })).json<{ models: BaseModel[] }>();
    expect(list.models.map((m) => m.id)).toContain(model.id);
  });

  it('makes a demo model of every family the engine runs (the API and the engine list the same ones)', async () => {
    expect([...modelArchitectures].sort()).toEqual([...supportedArchitectures].sort());
    const res = await app.inject({ method: 'POST', url: '/api/models/demo', payload: { architecture: 'gemma3_text' } });
    expect(res.statusCode).toBe(201);
    expect(res.json<BaseModel>()).toMatchObject({ architecture: 'gemma3_text', name: 'Demo gemma3_text (random weights)' });
    expect((await app.inject({ method: 'POST', url: '/api/models/demo', payload: { architecture: 'gpt2' } })).statusCode).toBe(400);
  });

  it('registers a folder where it is, and refuses one that is not a model', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/models', payload: { path: model.path, name: 'Same folder' } });
    expect(res.statusCode).toBe(201);
    expect(res.json<BaseModel>()).toMatchObject({ source: 'local', name: 'Same folder', parameters: model.parameters });
    const empty = tempHome();
    const bad = await app.inject({ method: 'POST', url: '/api/models', payload: { path: empty } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'MODEL_INVALID' });
    expect(bad.json().error.message).toContain('config.json');
    const relative = await app.inject({ method: 'POST', url: '/api/models', payload: { path: 'models/x' } });
    expect(relative.json().error.message).toContain('absolute path');
    // Forgetting a registered folder leaves its files alone.
    expect((await app.inject({ method: 'DELETE', url: `/api/models/${res.json<BaseModel>().id}` })).statusCode).toBe(204);
    expect(fs.existsSync(path.join(model.path, 'config.json'))).toBe(true);
  });
});

describe('datasets', () => {
  let dataset: Dataset;

  it('stores an upload with its format, counts and problems, and pages its records', async () => {
    const rows = [...chats, { messages: [{ role: 'user', content: 'No answer here.' }] }, chats[0]];
    const res = await upload(jsonl(rows), 'chats.jsonl');
    expect(res.statusCode, res.body).toBe(201);
    dataset = res.json<Dataset>();
    expect(dataset.name).toBe('chats');
    expect(dataset.latest).toMatchObject({ version: 1, fileType: 'jsonl', format: 'messages', records: 6, valid: 5, errorCount: 1 });
    expect(dataset.latest.warningCount).toBeGreaterThanOrEqual(1); // the duplicate of line 1
    const page = (await app.inject({ url: `/api/datasets/${dataset.id}/records?offset=3&limit=2` })).json<DatasetRecords>();
    expect(page).toMatchObject({ version: 1, total: 6, offset: 3 });
    expect(page.records.map((r) => r.index)).toEqual([3, 4]);
    expect(page.records[1]!.record).toBeNull(); // the broken record
  });

  it('reports problems with line numbers, token lengths and what the model will learn', async () => {
    const res = await app.inject({ url: `/api/datasets/${dataset.id}/report?modelId=${model.id}&seqLen=64&samples=2` });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<DatasetReport>();
    expect(report.problems.find((p) => p.severity === 'error')).toMatchObject({ location: 'line 5' });
    expect(report.duplicates).toBe(1);
    expect(report.tokens).not.toBeNull();
    expect(report.tokens!.max).toBeGreaterThan(0);
    expect(report.samples).toHaveLength(2);
    const trained = report.samples[0]!.pieces.filter((p) => p.trained)
      .map((p) => p.text)
      .join('');
    expect(trained).toContain('Hello there!');
    expect(
      report.samples[0]!.pieces.filter((p) => !p.trained)
        .map((p) => p.text)
        .join(''),
    ).toContain('Say hello.');
  });

  it('refuses bad files clearly and stores nothing; existing datasets stay', async () => {
    const before = storedFiles();
    const cases: [string | Buffer, string, RegExp][] = [
      ['', 'empty.jsonl', /empty/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'data.zip', /zip/],
      [Buffer.from([0x7b, 0x22, 0x74, 0x00, 0x01, 0x02]), 'binary.jsonl', /binary/],
      [Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'latin1.jsonl', /UTF-8/],
      [`[${JSON.stringify(chats[0])}, {"messages": [}]`, 'one-line.json', /line 1, column \d+/],
      ['a,b\n1,2,3\n', 'ragged.csv', /./],
    ];
    for (const [payload, name, message] of cases) {
      const res = await upload(payload, name);
      if (name === 'ragged.csv') {
        // A ragged row is a problem of that row, reported (the file is stored, the row does not train).
        if (res.statusCode === 201) {
          const d = res.json<Dataset>();
          const report = (await app.inject({ url: `/api/datasets/${d.id}/report` })).json<DatasetReport>();
          expect(report.problems.some((p) => p.location === 'row 1')).toBe(true);
          await app.inject({ method: 'DELETE', url: `/api/datasets/${d.id}` });
        } else expect(res.json().error.message).toMatch(/row/);
        continue;
      }
      expect(res.statusCode, name).toBeGreaterThanOrEqual(400);
      expect(res.json().error.code, name).toBe('DATASET_INVALID');
      expect(res.json().error.message, name).toMatch(message);
      expect(res.json().error.message, name).toContain(name); // says which file
    }
    for (const name of ['../evil.jsonl', 'a/b.jsonl', '..']) {
      const res = await upload(jsonl(chats), name);
      expect(res.statusCode, name).toBe(422);
      expect(res.json().error.message).toContain('not allowed');
    }
    expect(storedFiles()).toEqual(before);
    expect((await app.inject({ url: `/api/datasets/${dataset.id}` })).json<Dataset>().latest.records).toBe(6);
  });

  it('refuses an upload over the limit without keeping any of it', async () => {
    await app.inject({ method: 'PATCH', url: '/api/settings', payload: { uploadLimitMiB: 1 } });
    const before = storedFiles();
    const big = jsonl(Array.from({ length: 20000 }, () => chats[0]));
    expect(big.length).toBeGreaterThan(2 ** 20);
    const res = await upload(big, 'big.jsonl');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'DATASET_TOO_LARGE' });
    expect(storedFiles()).toEqual(before);
    await app.inject({ method: 'PATCH', url: '/api/settings', payload: { uploadLimitMiB: 1024 } });
  });

  it('keeps versions: a fixed file is version 2, version 1 reads as before; rename and delete', async () => {
    const fixed = await upload(jsonl(chats), 'chats-fixed.jsonl', `/api/datasets/${dataset.id}/upload`);
    expect(fixed.statusCode, fixed.body).toBe(201);
    const d = fixed.json<Dataset>();
    expect(d.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(d.latest).toMatchObject({ version: 2, records: 4, valid: 4, errorCount: 0 });
    const v1 = (await app.inject({ url: `/api/datasets/${dataset.id}/records?version=1&limit=10` })).json<DatasetRecords>();
    expect(v1.total).toBe(6);
    const renamed = await app.inject({ method: 'PATCH', url: `/api/datasets/${dataset.id}`, payload: { name: 'Greetings' } });
    expect(renamed.json<Dataset>().name).toBe('Greetings');
    const blank = await app.inject({ method: 'PATCH', url: `/api/datasets/${dataset.id}`, payload: { name: '  ' } });
    expect(blank.statusCode).toBe(400);
    // Read as raw text instead: a new version over the same file.
    const reparsed = await app.inject({ method: 'POST', url: `/api/datasets/${dataset.id}/reparse`, payload: { parseOptions: { fileType: 'txt' } } });
    expect(reparsed.statusCode, reparsed.body).toBe(201);
    expect(reparsed.json<Dataset>().latest).toMatchObject({ version: 3, fileType: 'txt', format: 'text' });
  });

  it('imports a file from a path on the server', async () => {
    const file = path.join(tempHome(), 'alpaca.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { instruction: 'Add 1 and 1.', input: '', output: '2' },
        { instruction: 'Say hi.', output: 'Hi.' },
      ]),
    );
    const res = await app.inject({ method: 'POST', url: '/api/datasets/import', payload: { path: file, name: 'Alpaca' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<Dataset>()).toMatchObject({ name: 'Alpaca', source: 'path', latest: { format: 'alpaca', records: 2, valid: 2 } });
    const missing = await app.inject({ method: 'POST', url: '/api/datasets/import', payload: { path: path.join(home, 'nope.json') } });
    expect(missing.json().error.message).toContain('does not exist');
  });
});

describe('train job', () => {
  it('refuses a bad config before queueing, naming the setting', async () => {
    const d = (await upload(jsonl(chats), 'train.jsonl')).json<Dataset>();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ modelId: 'model_nope', datasetId: d.id }, 'MODEL_NOT_FOUND', /model_nope/],
      [{ modelId: model.id, datasetId: d.id, seqLen: 4096 }, 'TRAIN_CONFIG_INVALID', /4096.*1024/],
      [{ modelId: model.id, datasetId: d.id, lora: { targetModules: ['wq'] } }, 'TRAIN_CONFIG_INVALID', /wq/],
      [{ modelId: model.id, datasetId: d.id, earlyStoppingPatience: 2 }, 'TRAIN_CONFIG_INVALID', /eval data/],
    ];
    for (const [config, code, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'train', config } });
      expect(res.json().error?.code, JSON.stringify(config)).toBe(code);
      expect(res.json().error.message).toMatch(message);
    }
    const zeroRank = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: { type: 'train', config: { modelId: model.id, datasetId: d.id, lora: { r: 0 } } },
    });
    expect(zeroRank.statusCode).toBe(400);
    expect(JSON.stringify(zeroRank.json())).toContain('LoRA rank must be at least 1');
    expect((await app.inject({ url: '/api/jobs' })).json<{ jobs: Job[] }>().jobs.filter((j) => j.type === 'train')).toEqual([]);
  });

  it('estimates time and memory before launch, with warnings that say what to change', async () => {
    const d = (await upload(jsonl(chats), 'estimate.jsonl')).json<Dataset>();
    const res = await app.inject({
      method: 'POST',
      url: '/api/training/estimate',
      payload: { modelId: model.id, datasetId: d.id, epochs: 2, batchSize: 2, seqLen: 64 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json<TrainingEstimate>();
    expect(e).toMatchObject({ records: 4, steps: 4, savedActivations: true });
    expect(e.peakMemoryBytes).toBeGreaterThan(e.memory.runtime!);
    expect(e.seconds).toBeGreaterThan(0);
    expect(e.machine.memoryTotalBytes).toBeGreaterThan(0);
    expect(e.machine.gemmSource).toBe('assumed'); // no system check has run in this workspace
    expect(e.calibration.state).toBe('measuring'); // this machine's speed for the shape, measured in the background (train-estimate.test.ts)
    const long = (
      await app.inject({ method: 'POST', url: '/api/training/estimate', payload: { modelId: model.id, datasetId: d.id, maxSteps: 10_000_000, seqLen: 64 } })
    ).json<TrainingEstimate>();
    expect(long.warnings.some((w) => /will take about/.test(w.message) && /fewer steps/.test(w.fix))).toBe(true);
    const refused = await app.inject({ method: 'POST', url: '/api/training/estimate', payload: { modelId: model.id, datasetId: d.id, seqLen: 4096 } });
    expect(refused.json().error.code).toBe('TRAIN_CONFIG_INVALID');
  });

  it('fine-tunes the demo model on a stored dataset with a validation split, writing a PEFT adapter', async () => {
    const d = (
      await upload(
        jsonl([...chats, ...chats.map((c) => ({ messages: [c.messages[0], { role: 'assistant', content: `${c.messages[1]!.content} Again.` }] }))]),
        'more.jsonl',
      )
    ).json<Dataset>();
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: {
        type: 'train',
        config: {
          modelId: model.id,
          datasetId: d.id,
          maxSteps: 3,
          seqLen: 64,
          batchSize: 2,
          learningRate: 1e-3,
          validation: { kind: 'split', ratio: 0.25, seed: 1 },
          evalEvery: 3,
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json<Job>();
    const done = await waitForStatus(app, job.id, ['succeeded', 'failed'], 120_000);
    expect(done.error, JSON.stringify(done.error)).toBeNull();
    const outputDir = (done.config as { resolved: { outputDir: string } }).resolved.outputDir;
    expect(outputDir.startsWith(path.join(home, 'adapters'))).toBe(true);
    const adapterConfig = JSON.parse(fs.readFileSync(path.join(outputDir, 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 16, base_model_name_or_path: model.path });
    const summary = JSON.parse(fs.readFileSync(path.join(outputDir, 'training_summary.json'), 'utf8'));
    expect(summary.metrics).toHaveLength(3);
    expect(summary.evalData.kept).toBe(2); // 25% of 8 held out
    const metrics = (await app.inject({ url: `/api/jobs/${job.id}/metrics` })).json<{ series: { name: string }[] }>();
    expect(JSON.stringify(metrics)).toContain('eval_loss');
    // The job's stored log tells the run's story: data, every step, the evaluation and a summary.
    const log = (await app.inject({ url: `/api/jobs/${job.id}/events?kind=log` })).json<{ events: { message: string }[] }>().events.map((e) => e.message);
    expect(log.some((m) => m.startsWith('Training data: 6 examples'))).toBe(true);
    expect(log.filter((m) => /^Step \d\/3: loss [\d.]+, lr [\d.e+-]+, grad norm [\d.e+-]+, [\d,]+ tokens\/s$/.test(m))).toHaveLength(3);
    expect(log.some((m) => m.startsWith('Eval at step 3: loss '))).toBe(true);
    expect(log.some((m) => m.startsWith('Finished 3 steps in ') && m.endsWith(`Adapter written to ${outputDir}`))).toBe(true);
    // A dataset a queued/running job uses cannot be deleted; once done it can.
    expect((await app.inject({ method: 'DELETE', url: `/api/datasets/${d.id}` })).statusCode).toBe(204);
  }, 150_000);
});
