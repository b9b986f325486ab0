/**
 * The measured training time estimate on the server: the calibrator (one measurement per model
 * shape and settings, remembered in the store, in its own process; here a fixture process that
 * answers at once), the keys it remembers by, and, through the API on the demo model with the
 * real measuring process, the estimate from "measuring" to a measured range, kept by the job
 * launched with the same settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BaseModel, Dataset, Job, TokenStats, TrainingEstimate, TrainJobConfig } from '@qlora-studio/contracts';
import { trainJobConfigSchema } from '@qlora-studio/contracts';
import type { ModelConfig } from '@qlora-studio/engine';
import { testModelConfig } from '@qlora-studio/engine/model';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calibrationKey, calibrationShape, stableJson, trainConfigKey, type CalibrationShape } from '../src/jobs/calibration-key.js';
import { TrainingCalibrator, type CalibrationState } from '../src/jobs/calibrator.js';
import type { ResolvedTrainJobConfig } from '../src/jobs/train-config.js';
import { batchWidths } from '../src/jobs/train-time.js';
import { openDatabase, type Db } from '../src/store/database.js';
import { fixture, makeApp, tempHome, waitForStatus } from './helpers.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as unknown as FastifyBaseLogger;
const model = {
  architecture: 'llama',
  hiddenSize: 64,
  intermediateSize: 128,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 16,
  vocabSize: 512,
  qkvBias: false,
  qkNorm: false,
  sandwichNorms: false,
};
const shapeFor = (batchSize: number): CalibrationShape => ({
  model,
  method: 'qlora',
  r: 16,
  targets: ['model.layers.0.self_attn.q_proj'],
  dropout: true,
  batchSize,
  widths: [64],
});
// The fixture worker reads only the batch size.
const inputFor = (batchSize: number) => ({ batchSize, widths: [64] }) as unknown as Parameters<TrainingCalibrator['request']>[1];

async function settled(ask: () => CalibrationState, timeoutMs = 20_000): Promise<CalibrationState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = ask();
    if (state.state !== 'measuring') return state;
    if (Date.now() > deadline) throw new Error(`still measuring: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('TrainingCalibrator', () => {
  let home: string;
  let db: Db;
  let log: string;
  const calibrators: TrainingCalibrator[] = [];
  const calibrator = (options: { trainingRunning?: () => boolean; remeasureBusyAfterMs?: number } = {}) => {
    const c = new TrainingCalibrator({
      db,
      logger: quiet,
      trainingRunning: options.trainingRunning ?? (() => false),
      workerPath: fixture('calibration-worker.ts'),
      remeasureBusyAfterMs: options.remeasureBusyAfterMs ?? 60_000,
    });
    calibrators.push(c);
    return c;
  };
  /** The batch sizes measured so far, in order. */
  const measured = (): number[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);

  beforeAll(() => {
    home = tempHome();
    db = openDatabase(path.join(home, 'test.db'));
    log = path.join(home, 'measurements.log');
    process.env.CALIBRATION_FIXTURE_LOG = log;
  });
  afterEach(async () => {
    await Promise.all(calibrators.splice(0).map((c) => c.stop()));
    delete process.env.CALIBRATION_FIXTURE_MODE;
    delete process.env.CALIBRATION_FIXTURE_BUSY;
    fs.rmSync(log, { force: true });
  });
  afterAll(() => {
    delete process.env.CALIBRATION_FIXTURE_LOG;
    db.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('measures a shape once: asking again, or after a restart, answers from the store without measuring', async () => {
    const c = calibrator();
    expect(c.request(shapeFor(1), inputFor(1)).state).toBe('measuring');
    const state = await settled(() => c.request(shapeFor(1), inputFor(1)));
    expect(state.state).toBe('measured');
    expect(state.state === 'measured' && state.stored.calibration.steps).toHaveLength(3);
    expect(c.request(shapeFor(1), inputFor(1)).state).toBe('measured');
    expect(calibrator().request(shapeFor(1), inputFor(1)).state).toBe('measured'); // a new server over the same store
    expect(measured()).toEqual([1]);
    // Another batch size is another step time.
    expect(c.request(shapeFor(2), inputFor(2)).state).toBe('measuring');
    await settled(() => c.request(shapeFor(2), inputFor(2)));
    expect(measured()).toEqual([1, 2]);
  });

  it('while one measurement runs, keeps only the newest request waiting', async () => {
    const c = calibrator();
    c.request(shapeFor(3), inputFor(3));
    expect(c.request(shapeFor(4), inputFor(4))).toMatchObject({ state: 'measuring', message: expect.stringMatching(/Waiting/) });
    c.request(shapeFor(5), inputFor(5)); // the settings changed again: 4 is no longer wanted
    await settled(() => c.request(shapeFor(5), inputFor(5)));
    expect(measured()).toEqual([3, 5]);
  });

  it('measures again, once no fine-tune runs, what it measured while one ran; the old figure answers meanwhile', async () => {
    let training = true;
    const c = calibrator({ trainingRunning: () => training, remeasureBusyAfterMs: 0 });
    await settled(() => c.request(shapeFor(6), inputFor(6)));
    expect(c.request(shapeFor(6), inputFor(6))).toMatchObject({ state: 'measured', stored: { contended: true } });
    expect(measured()).toEqual([6]); // still running: measuring again would be as slow
    training = false;
    expect(c.request(shapeFor(6), inputFor(6)).state).toBe('measured');
    await settled(() => {
      const s = c.request(shapeFor(6), inputFor(6));
      return s.state === 'measured' && s.stored.contended ? { state: 'measuring', message: '', fraction: 0 } : s;
    });
    expect(measured()).toEqual([6, 6]);
  });

  it('counts a measurement as busy when other programs took a quarter of the machine, and measures it again only once it is old enough', async () => {
    process.env.CALIBRATION_FIXTURE_BUSY = '0.5';
    const c = calibrator();
    await settled(() => c.request(shapeFor(8), inputFor(8)));
    expect(c.request(shapeFor(8), inputFor(8))).toMatchObject({ state: 'measured', stored: { contended: true } });
    expect(measured()).toEqual([8]); // not again at once: asking every second must not keep the machine busy measuring
    process.env.CALIBRATION_FIXTURE_BUSY = '0.1';
    const calm = calibrator();
    await settled(() => calm.request(shapeFor(9), inputFor(9)));
    expect(calm.request(shapeFor(9), inputFor(9))).toMatchObject({ state: 'measured', stored: { contended: false } });
  });

  it('says why when the measuring process dies, and does not try the same shape again at once', async () => {
    process.env.CALIBRATION_FIXTURE_MODE = 'crash';
    const c = calibrator();
    const state = await settled(() => c.request(shapeFor(7), inputFor(7)));
    expect(state).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/measuring process was killed/) });
    expect(c.request(shapeFor(7), inputFor(7)).state).toBe('unavailable');
    expect(measured()).toEqual([7]);
  });
});

describe('keys', () => {
  it('sorts object keys at every level, so equal settings give equal keys', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('keys a calibration by what changes a step, not by the rest', () => {
    const modelConfig: ModelConfig = testModelConfig({ ...model, maxPositionEmbeddings: 1024, rmsNormEps: 1e-5, bosTokenId: 1, eosTokenIds: [2] });
    const settings = { method: 'qlora' as const, r: 16, targets: ['b', 'a'], dropout: 0.05, batchSize: 1, widths: [256, 512] };
    const key = calibrationKey(calibrationShape(modelConfig, settings));
    expect(
      calibrationKey(
        calibrationShape(
          { ...modelConfig, maxPositionEmbeddings: 4096, bosTokenId: 0 },
          { ...settings, dropout: 0.1, targets: ['a', 'b'], widths: [512, 256] },
        ),
      ),
    ).toBe(key);
    for (const change of [{ widths: [256] }, { batchSize: 2 }, { r: 8 }, { method: 'lora' as const }, { dropout: 0 }, { targets: ['a'] }]) {
      expect(calibrationKey(calibrationShape(modelConfig, { ...settings, ...change })), JSON.stringify(change)).not.toBe(key);
    }
    // Another family of the same sizes does other work per step.
    expect(calibrationKey(calibrationShape({ ...modelConfig, architecture: 'gemma2', sandwichNorms: true }, settings))).not.toBe(key);
  });

  it('keys a fine-tune by what the user chose and the data versions, not by where it writes', () => {
    const chosen = trainJobConfigSchema.parse({ modelId: 'm', datasetId: 'd', maxSteps: 10 });
    const resolved = (config: TrainJobConfig, version: number, outputDir: string): ResolvedTrainJobConfig =>
      ({
        ...config,
        resolved: {
          modelDir: '/models/m',
          modelName: 'm',
          dataset: { id: 'd', name: 'd', version, file: '/f', parseOptions: {} },
          validationDataset: null,
          outputDir,
        },
      }) as ResolvedTrainJobConfig;
    const key = trainConfigKey(resolved(chosen, 1, '/a'));
    expect(trainConfigKey(resolved(chosen, 1, '/b'))).toBe(key);
    expect(trainConfigKey(resolved({ ...chosen, datasetVersion: 1 }, 1, '/a'))).toBe(key); // "newest" resolved to v1 is v1
    expect(trainConfigKey(resolved(chosen, 2, '/a'))).not.toBe(key);
    expect(trainConfigKey(resolved({ ...chosen, learningRate: 1e-3 }, 1, '/a'))).not.toBe(key);
  });
});

describe('batchWidths', () => {
  /** Token statistics with `count` records in the bin of `length` tokens, for each pair. */
  const stats = (...bins: [length: number, count: number][]): TokenStats =>
    ({ histogram: bins.map(([length, count]) => ({ start: length - 4, end: length + 4, count })) }) as TokenStats;

  it("stands for the run's batches by quantiles (1/6, 1/2, 5/6) of their longest row, rounded up to 32 tokens", () => {
    expect(batchWidths(stats([100, 10]), 512, 1, false)).toEqual([128]);
    // Rows of 50, 150 and 300 tokens, a third each: one row is any of them; the longer of two is 300 five times in nine.
    expect(batchWidths(stats([50, 4], [150, 4], [300, 4]), 512, 1, false)).toEqual([64, 160, 320]);
    expect(batchWidths(stats([50, 4], [150, 4], [300, 4]), 512, 2, false)).toEqual([160, 320]);
  });

  it('never passes the sequence length: longer rows are cut, packed rows are full, and without statistics it is the length', () => {
    expect(batchWidths(stats([600, 3]), 512, 1, false)).toEqual([512]);
    expect(batchWidths(stats([100, 10]), 512, 1, true)).toEqual([512]);
    expect(batchWidths(null, 512, 4, false)).toEqual([512]);
    expect(batchWidths(stats([5, 10]), 16, 1, false)).toEqual([16]);
  });
});

describe('the estimate through the API', () => {
  type App = Awaited<ReturnType<typeof makeApp>>;
  let app: App;
  let demo: BaseModel;
  let dataset: Dataset;
  beforeAll(async () => {
    app = await makeApp();
    demo = (await app.inject({ method: 'POST', url: '/api/models/demo', payload: {} })).json<BaseModel>();
    const chats = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question ${i}?` },
          { role: 'assistant', content: `Answer number ${i}.` },
        ],
      }),
    ).join('\n');
    dataset = (
      await app.inject({
        method: 'POST',
        url: '/api/datasets/upload?fileName=qa.jsonl',
        headers: { 'content-type': 'application/octet-stream' },
        payload: chats,
      })
    ).json<Dataset>();
  });
  afterAll(async () => {
    await app.close();
  });
  const estimate = async (config: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/api/training/estimate', payload: { modelId: demo.id, datasetId: dataset.id, ...config } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<TrainingEstimate>();
  };

  it('measures this machine first, then gives a measured range, which the job launched with the same settings keeps', async () => {
    const config = { maxSteps: 3, seqLen: 64, batchSize: 2, validation: { kind: 'split', ratio: 0.25, seed: 1 } };
    const first = await estimate(config);
    expect(first.calibration.state).toBe('measuring');
    expect(first.time.basis).toBe('rough');
    let e = first;
    const deadline = Date.now() + 60_000;
    while (e.calibration.state === 'measuring' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      e = await estimate(config);
    }
    expect(e.calibration, JSON.stringify(e.calibration)).toMatchObject({ state: 'measured' });
    expect(e.time).toMatchObject({ basis: 'measured', steps: 3 });
    expect(e.time.lowSeconds).toBeLessThan(e.time.seconds);
    expect(e.time.highSeconds).toBeGreaterThan(e.time.seconds);
    expect(e.time.secondsPerStep).toBeGreaterThan(0);
    expect(e.seconds).toBe(e.time.seconds);
    expect(e.warnings.some((w) => /rough/.test(w.message))).toBe(false);
    // Remembered: the same shape is not measured again (other steps or data give the same step time).
    expect((await estimate({ ...config, maxSteps: 5 })).calibration.state).toBe('measured');

    const job = (
      await app.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'train', config: { modelId: demo.id, datasetId: dataset.id, ...config } } })
    ).json<Job>();
    const kept = (job.config.resolved as { estimate?: Record<string, unknown> }).estimate;
    expect(kept).toMatchObject({ basis: 'measured', lowSeconds: e.time.lowSeconds, highSeconds: e.time.highSeconds, steps: 3 });
    expect(typeof kept?.estimatedAt).toBe('string');
    // Settings never estimated launch without one.
    const other = (
      await app.inject({
        method: 'POST',
        url: '/api/jobs',
        payload: { type: 'train', config: { modelId: demo.id, datasetId: dataset.id, maxSteps: 1, seqLen: 32 } },
      })
    ).json<Job>();
    expect((other.config.resolved as { estimate?: unknown }).estimate).toBeUndefined();
    for (const id of [job.id, other.id]) expect((await waitForStatus(app, id, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
  }, 120_000);
});
