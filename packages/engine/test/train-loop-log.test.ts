/**
 * The training job's log (src/train/loop.ts with log-lines.ts) on a tiny llama folder: a short
 * run logs its data (with a warning for examples cut at the sequence length), every step, its
 * evaluations, checkpoints and a summary; a resumed run says where it resumed from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogLevel } from '@qlora-studio/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobReporter } from '../src/jobs/reporter.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { trainLora, type TrainLoraOptions } from '../src/train/loop.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-train-log-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const modelDir = makeTinyModel({
  arch: 'llama',
  outDir: path.join(root, 'model'),
  hiddenSize: 32,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  intermediateSize: 64,
  maxPositionEmbeddings: 64,
}).dir;
const texts = [
  'the cat sat on the mat. the cat sat on the mat. the cat sat on the mat.',
  'the dog ran to the park.',
  'hi hi hi, say hi.',
  'one two three four.',
  'red green blue.',
];
const records = texts.map((text) => ({ kind: 'text' as const, text }));

function logging(): { report: JobReporter; lines: { level: LogLevel; message: string }[] } {
  const lines: { level: LogLevel; message: string }[] = [];
  return {
    lines,
    report: { progress: () => undefined, metric: () => undefined, artifact: () => undefined, log: (level, message) => lines.push({ level, message }) },
  };
}

function options(overrides: Partial<TrainLoraOptions>): TrainLoraOptions {
  return {
    modelDir,
    method: 'lora',
    lora: { r: 4, alpha: 8, dropout: 0, targetModules: 'all-linear' },
    seed: 7,
    optimizer: { kind: 'adamw', weightDecay: 0 },
    learningRate: 1e-2,
    scheduler: 'constant',
    maxSteps: 6,
    batchSize: 2,
    gradAccum: 1,
    maxGradNorm: 1,
    seqLen: 24,
    train: { records },
    eval: { records: records.slice(1, 3) },
    evalEvery: 3,
    checkpointEvery: 3,
    outputDir: path.join(root, 'out'),
    intraOpNumThreads: 1,
    ...overrides,
  };
}

const signal = new AbortController().signal;

describe('the training log', () => {
  it('a short run logs its data, every step, its evaluations, its checkpoint and a summary', async () => {
    const outputDir = path.join(root, 'run');
    const { report, lines } = logging();
    const result = await trainLora(options({ outputDir }), { signal, report });
    const messages = lines.map((l) => l.message);

    expect(messages.find((m) => m.startsWith('Training data:'))).toMatch(
      /^Training data: 5 examples → 5 rows of at most 24 tokens, [\d,]+ tokens \([\d,]+ trained\)/,
    );
    expect(lines.find((l) => /longer than the sequence length 24/.test(l.message))).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^1 training example of 5 is longer/),
    });

    const steps = messages.filter((m) => m.startsWith('Step '));
    expect(steps.map((m) => m.split(':')[0])).toEqual(['Step 1/6', 'Step 2/6', 'Step 3/6', 'Step 4/6', 'Step 5/6', 'Step 6/6']);
    for (const line of steps) expect(line).toMatch(/^Step \d\/6: loss \d+\.\d{4}, lr 1\.00e-2, grad norm [\d.e+-]+, [\d,]+ tokens\/s$/);
    expect(steps[0]).toContain(`loss ${result.history[0]!.loss.toFixed(4)}`);

    const evals = messages.filter((m) => m.startsWith('Eval at step'));
    expect(evals).toHaveLength(2);
    expect(evals[0]).toMatch(/^Eval at step 3: loss \d+\.\d{4}, perplexity \d+\.\d{2} \(best so far\)$/);
    expect(evals[1]).toMatch(/^Eval at step 6: loss \d+\.\d{4}, perplexity \d+\.\d{2} \((best so far|best \d+\.\d{4} at step 3)\)$/);

    expect(messages).toContain(`Checkpoint saved at step 3: ${path.join(outputDir, 'checkpoint-3')}`);
    // Lines come in the order things happened.
    expect(messages.indexOf(steps[2]!)).toBeLessThan(messages.indexOf(evals[0]!));

    const summary = messages.at(-1)!;
    expect(summary).toMatch(
      new RegExp(
        `^Finished 6 steps in [\\d.]+ s: final loss ${result.history.at(-1)!.loss.toFixed(4)}, eval loss ${result.finalEval!.loss.toFixed(4)} \\(perplexity [\\d.]+\\)\\. Adapter written to `,
      ),
    );
    expect(summary.endsWith(outputDir)).toBe(true);
  });

  it('a resumed run says from which checkpoint and step, and logs the steps it takes', async () => {
    const first = path.join(root, 'first');
    await trainLora(options({ outputDir: first }), { signal, report: logging().report });
    const checkpoint = path.join(first, 'checkpoint-3');
    const { report, lines } = logging();
    await trainLora(options({ outputDir: path.join(root, 'resumed'), resumeFrom: checkpoint }), { signal, report });
    const messages = lines.map((l) => l.message);
    expect(messages).toContain(`Resuming from checkpoint ${checkpoint}: step 3 of 6 done, 3 to go.`);
    expect(messages.filter((m) => m.startsWith('Step ')).map((m) => m.split(':')[0])).toEqual(['Step 4/6', 'Step 5/6', 'Step 6/6']);
  });
});
