/**
 * Evaluation as a new user meets it: a quiz file uploaded on the Evaluation page becomes a
 * multiple-choice and a generate benchmark (field mapping and live preview), a small base model
 * and an adapter fine-tuned on the quiz are evaluated on both as one batch, the jobs are watched
 * in the queue, and the Results tab shows the verdict, the charts and the per-example flips; the
 * HTML report downloads and opens with the network off. axe in light and dark; 375 px.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaseModel, EvaluationComparison, EvaluationList, Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityReport, phoneReport } from './support/axe';
import { launchBrowser, newContext, watchErrors, type Theme } from './support/browser';
import { apiFetch, fineTune, startServer, uploadDataset, waitFor, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let model: BaseModel;
let adapterJob: Job;

/** A small quiz: the question, four choices in their own columns, and the answer's text. */
const quiz: [question: string, choices: [string, string, string, string], answer: string][] = [
  ['What colour is a ripe banana?', ['red', 'yellow', 'blue', 'black'], 'yellow'],
  ['How many legs has a spider?', ['six', 'four', 'eight', 'ten'], 'eight'],
  ['Which planet is called the red planet?', ['Mars', 'Venus', 'Jupiter', 'Saturn'], 'Mars'],
  ['What do bees make?', ['milk', 'silk', 'wax paper', 'honey'], 'honey'],
  ['What is frozen water called?', ['ice', 'steam', 'sand', 'glass'], 'ice'],
  ['Which animal says moo?', ['cat', 'dog', 'cow', 'duck'], 'cow'],
  ['What is the opposite of hot?', ['cold', 'warm', 'loud', 'tall'], 'cold'],
  ['How many days are in a week?', ['five', 'seven', 'ten', 'twelve'], 'seven'],
];
const quizCsv = ['question,A,B,C,D,answer', ...quiz.map(([q, c, a]) => [q, ...c, a].join(','))].join('\n') + '\n';

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  model = await apiFetch<BaseModel>(server, 'POST', '/api/models/demo', { name: 'Tiny demo' });
  // The adapter learns the quiz's answers in the benchmarks' own prompt format.
  const dataset = await uploadDataset(server, 'quiz-train.csv', quizCsv);
  adapterJob = await fineTune(server, {
    modelId: model.id,
    datasetId: dataset.id,
    maxSteps: 120,
    learningRate: 5e-3,
    seqLen: 64,
    batchSize: 4,
    lora: { r: 8, alpha: 16, dropout: 0 },
    promptTemplate: { id: 'custom', template: 'Question: {prompt}\nAnswer: {response}' },
  });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(url: string, theme: Theme = 'light') {
  const context = await newContext(browser, { theme });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url + url);
  await page.getByRole('heading', { name: 'Evaluation', level: 1 }).waitFor();
  return { page, errors, context };
}

async function expectAccessible(page: Page, label: string) {
  expect(await accessibilityReport(page, label)).toBe('');
}

/** Creates a benchmark in the New benchmark dialog; `source` picks where its rows come from. */
async function createBenchmark(page: Page, name: string, task: RegExp, setup: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByRole('button', { name: 'New benchmark' }).first().click();
  const dialog = page.getByRole('dialog');
  await setup(dialog);
  await dialog.getByRole('radio', { name: task }).click();
  await dialog.getByRole('textbox', { name: 'Benchmark name' }).fill(name);
  // The live preview renders the first item's prompt as the model will read it.
  await dialog.getByText('Question: What colour is a ripe banana?').first().waitFor();
  await dialog.getByRole('button', { name: 'Create benchmark' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('list', { name: 'Benchmarks' }).getByText(name).waitFor();
}

describe('Evaluation', () => {
  it('goes from an uploaded quiz to benchmarks, a batch of base and adapter, the results with flips, and an HTML report that opens offline', async () => {
    const { page, errors, context } = await open('/evaluation');

    // 1. A multiple-choice benchmark from an uploaded file: the choices' columns are mapped.
    await createBenchmark(page, 'Quiz (choices)', /^Multiple choice/, async (dialog) => {
      await dialog.getByRole('radio', { name: 'Upload a file' }).click();
      await dialog.getByLabel('Benchmark file').setInputFiles({ name: 'quiz.csv', mimeType: 'text/csv', buffer: Buffer.from(quizCsv) });
      await dialog
        .getByText(/quiz\.csv|quiz/)
        .first()
        .waitFor();
    });
    // 2. A generate benchmark from the same stored file: the answer is generated and compared.
    await createBenchmark(page, 'Quiz (answers)', /^Generation/, async (dialog) => {
      await dialog.getByRole('radio', { name: 'Stored dataset' }).click();
      await dialog.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'quiz (8 rows)' });
    });
    await expectAccessible(page, 'Benchmarks tab (light)');

    // 3. The base model and the adapter on both benchmarks, as one batch of four jobs.
    await page.getByRole('tab', { name: 'Job queue' }).click();
    await page
      .getByRole('list', { name: 'Base models' })
      .getByRole('checkbox', { name: /Tiny demo/ })
      .check();
    await page.getByRole('list', { name: 'Adapters and checkpoints' }).getByRole('checkbox', { name: adapterJob.title }).check();
    for (const name of ['Quiz (choices)', 'Quiz (answers)'])
      await page.getByRole('list', { name: 'Benchmarks to run' }).getByRole('checkbox', { name }).check();
    await page.getByRole('button', { name: /^Launch evaluation/ }).click();
    await page.waitForURL(/tab=queue&batch=/);
    const batchId = new URL(page.url()).searchParams.get('batch')!;

    // 4. The jobs finish live in the queue.
    const done = await waitFor(
      async () => {
        const { evaluations } = await apiFetch<EvaluationList>(server, 'GET', `/api/evaluations?batchId=${batchId}`);
        const failed = evaluations.find((e) => e.status === 'failed');
        if (failed) throw new Error(`${failed.title} failed: ${failed.error?.message}`);
        return evaluations.length === 4 && evaluations.every((e) => e.status === 'succeeded') ? evaluations : undefined;
      },
      120_000,
      'the batch to finish',
    );
    expect(done).toHaveLength(4);
    // The queue shows each job's status and headline metric as it finishes, with no reload.
    const jobs = page.getByRole('list', { name: /^Jobs in / }).getByRole('listitem');
    await expect.poll(() => jobs.filter({ hasText: 'Succeeded' }).count(), { timeout: 30_000 }).toBe(4);
    expect(await jobs.filter({ hasText: 'accuracy' }).count()).toBe(2);
    expect(await jobs.filter({ hasText: 'exact match' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Compare results on Quiz (choices)' }).waitFor();
    await expectAccessible(page, 'Job queue (light)');

    // 5. The comparison: a verdict in words, a chart per metric, and the items the adapter won or lost.
    await page.getByRole('button', { name: 'Compare results on Quiz (choices)' }).click();
    await page.waitForURL(/tab=results&jobs=/);
    await page
      .getByText(/better on \d+ items?, worse on \d+/)
      .first()
      .waitFor();
    await page.locator('canvas').first().waitFor();
    const adapter = done.find((e) => e.adapter && e.benchmark.name === 'Quiz (choices)')!;
    const base = done.find((e) => !e.adapter && e.benchmark.name === 'Quiz (choices)')!;
    const comparison = await apiFetch<EvaluationComparison>(server, 'GET', `/api/evaluations/compare?jobIds=${base.jobId},${adapter.jobId}`);
    const outcomes = comparison.examples.map((e) => e.models[1]!.outcome);
    const won = outcomes.filter((o) => o === 'won').length;
    const lost = outcomes.filter((o) => o === 'lost').length;
    expect(won + lost).toBeGreaterThan(0); // the adapter changed some answers
    // The flips, filtered in the table: only won and lost rows remain.
    const examples = page.getByRole('region', { name: 'Examples table' });
    await examples.waitFor();
    await page.getByRole('button', { name: `Won (${won})` }).click();
    await page.getByRole('button', { name: `Lost (${lost})` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `of ${won + lost} examples` })
      .waitFor();
    expect(await examples.getByText(/^(Both right|Both wrong)$/).count()).toBe(0);
    await expectAccessible(page, 'Results (light)');

    // 6. The HTML report: downloaded, then opened with the network off; it makes no requests.
    await page.getByRole('button', { name: 'Export report' }).click();
    const reportDialog = page.getByRole('dialog');
    await reportDialog.getByRole('radio', { name: /HTML/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), reportDialog.getByRole('button', { name: /^Download/ }).click()]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-report-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(file).toMatch(/\.html$/);
    const offline = await newContext(browser);
    await offline.setOffline(true);
    const reportPage = await offline.newPage();
    const requests: string[] = [];
    reportPage.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await reportPage.goto(`file://${file}`);
    await reportPage
      .getByRole('heading', { name: /Quiz \(choices\)/ })
      .first()
      .waitFor();
    expect(await reportPage.locator('svg').count()).toBeGreaterThan(0);
    expect(requests).toEqual([]);
    await offline.close();

    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('has no accessibility violations in dark mode and works at 375 px', async () => {
    const { evaluations } = await apiFetch<EvaluationList>(server, 'GET', '/api/evaluations');
    const mc = evaluations.filter((e) => e.benchmark.name === 'Quiz (choices)' && e.status === 'succeeded');
    const base = mc.find((e) => !e.adapter)!;
    const other = mc.find((e) => e.adapter)!;
    for (const [tab, query] of [
      ['benchmarks', ''],
      ['queue', ''],
      ['results', `&jobs=${base.jobId},${other.jobId}`],
    ] as const) {
      const { page, errors, context } = await open(`/evaluation?tab=${tab}${query}`, 'dark');
      if (tab === 'results')
        await page
          .getByText(/better on \d+ items?, worse on \d+/)
          .first()
          .waitFor();
      else await page.getByText('Quiz (choices)').first().waitFor();
      await expectAccessible(page, `${tab} (dark)`);
      expect(await phoneReport(page, `${tab} (dark)`)).toBe('');
      expect(errors).toEqual([]);
      await context.close();
    }
  }, 120_000);
});
