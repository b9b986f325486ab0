/**
 * The Fine-tune review's time estimate beside the time the run then takes, through a real
 * server (app.inject, a temporary workspace): for each model shape, register a model, upload a
 * dataset, ask for the estimate until this machine's speed is measured, launch the same
 * settings for `--steps` steps, and time the job (started → finished, as its page shows).
 * Also prints the FLOP-only figure the review showed before it measured (what it said alone
 * before the estimate was measured).
 *
 *   node --import tsx packages/server/bench/estimate-vs-actual.ts [--shapes demo,smollm-135m] [--steps 50] [--seq-len 512]
 *
 * Shapes: `demo` is the app's demo model (hidden 64, 2 layers, vocab 512); `smollm-135m` a random
 * model of SmolLM-135M's shape (hidden 576, 30 layers, 9 / 3 heads, intermediate 1536, vocab
 * 49152, tied), ~540 MB written to the temp folder. The 135M run takes minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaseModel, Dataset, Job, TrainingEstimate } from '@qlora-studio/contracts';
import { makeTinyModel } from '@qlora-studio/engine';
import { buildApp } from '../src/app.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const steps = Number(arg('steps', '50'));
const seqLen = Number(arg('seq-len', '512'));
const shapes = arg('shapes', 'demo,smollm-135m').split(',');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (s: number) => (s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

/** 300 question/answer chats of varied length, like a small user dataset. */
function chats(): string {
  const words = 'the model learns to answer short questions about numbers colours animals and simple stories with clear full sentences'.split(' ');
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const answer = Array.from({ length: 20 + ((i * 37) % 120) }, (_, j) => words[(i + j * 7) % words.length]).join(' ');
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question ${i}: what is ${i} plus ${i % 17}?` },
          { role: 'assistant', content: `${answer}. The answer is ${i + (i % 17)}.` },
        ],
      }),
    );
  }
  return lines.join('\n') + '\n';
}

async function runShape(shape: string): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-bench-estimate-'));
  const app = await buildApp({ home, webRoot: null });
  await app.ready();
  try {
    const inject = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown, headers?: Record<string, string>): Promise<T> => {
      const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as string }), ...(headers ? { headers } : {}) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    };
    let model: BaseModel;
    if (shape === 'demo') {
      model = await inject<BaseModel>('POST', '/api/models/demo', {});
    } else if (shape === 'smollm-135m') {
      const dir = path.join(home, 'smollm-135m-shape');
      makeTinyModel({
        arch: 'llama',
        outDir: dir,
        hiddenSize: 576,
        layers: 30,
        heads: 9,
        kvHeads: 3,
        intermediateSize: 1536,
        vocabSize: 49152,
        tieWordEmbeddings: true,
        maxPositionEmbeddings: 2048,
      });
      model = await inject<BaseModel>('POST', '/api/models', { path: dir, name: 'SmolLM-135M shape' });
    } else {
      throw new Error(`unknown shape ${shape}; known: demo, smollm-135m`);
    }
    const dataset = await inject<Dataset>('POST', '/api/datasets/upload?fileName=qa.jsonl', chats(), { 'content-type': 'application/octet-stream' });
    const config = { modelId: model.id, datasetId: dataset.id, maxSteps: steps, seqLen };

    const asked = performance.now();
    let estimate = await inject<TrainingEstimate>('POST', '/api/training/estimate', config);
    const flopOnly = estimate.time.basis === 'rough' ? estimate.time.seconds : null;
    while (estimate.calibration.state === 'measuring') {
      await sleep(1000);
      estimate = await inject<TrainingEstimate>('POST', '/api/training/estimate', config);
    }
    const measuring = (performance.now() - asked) / 1000;
    const loadAtEstimate = os.loadavg()[0]!;
    const t = estimate.time;

    const created = await inject<Job>('POST', '/api/jobs', { type: 'train', config });
    let job = created;
    while (job.status === 'queued' || job.status === 'running') {
      await sleep(500);
      job = await inject<Job>('GET', `/api/jobs/${created.id}`);
    }
    if (job.status !== 'succeeded') throw new Error(`the run ${job.status}: ${JSON.stringify(job.error)}`);
    const took = (Date.parse(job.finishedAt!) - Date.parse(job.startedAt!)) / 1000;
    const kept = (job.config as { resolved?: { estimate?: { lowSeconds: number; highSeconds: number } } }).resolved?.estimate;
    const inside = took >= t.lowSeconds && took <= t.highSeconds;
    return [
      `${shape}: ${steps} steps, batch 1 × ${seqLen}, qlora r 16 on all linears, dropout 0.05`,
      `  estimate (${t.basis}${estimate.calibration.measuredWhileBusy ? ', measured while the machine was busy' : ''}): ≈ ${fmt(t.seconds)}, range ${fmt(t.lowSeconds)} – ${fmt(t.highSeconds)}, ${t.secondsPerStep.toFixed(3)} s per step; measuring took ${fmt(measuring)} (load average ${loadAtEstimate.toFixed(1)})`,
      `  FLOP-only figure before measuring: ${flopOnly === null ? '— (already measured)' : fmt(flopOnly)}`,
      `  actual: ${fmt(took)} (${(took / steps).toFixed(3)} s per step including setup; load average ${os.loadavg()[0]!.toFixed(1)} at the end); actual / estimate ${(took / t.seconds).toFixed(2)}; ${inside ? 'inside' : 'OUTSIDE'} the range`,
      `  the job kept the estimate it was launched with: ${kept ? `${fmt(kept.lowSeconds)} – ${fmt(kept.highSeconds)}` : 'no'}`,
    ].join('\n');
  } finally {
    await app.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

console.log(`Training time: the review's estimate vs the run (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start)`);
for (const shape of shapes) console.log(await runShape(shape));
