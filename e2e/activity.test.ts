import type { BaseModel, Dataset, Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityReport, phoneReport } from './support/axe';
import { launchBrowser, newContext, watchErrors } from './support/browser';
import { apiFetch, startServer, waitFor, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let model: BaseModel;
let dataset: Dataset;

/** A small chat dataset, enough records for 40 short steps. */
const jsonl = Array.from({ length: 16 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `What is ${i} times two?` },
      { role: 'assistant', content: `${i} times two is ${i * 2}.` },
    ],
  }),
).join('\n');

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  model = await apiFetch<BaseModel>(server, 'POST', '/api/models/demo', {});
  const response = await fetch(`${server.url}/api/datasets/upload?fileName=doubling.jsonl`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: jsonl,
  });
  if (!response.ok) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  dataset = (await response.json()) as Dataset;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Switches the theme from the command palette, as a user would. */
async function useDarkTheme(page: Page) {
  await page.keyboard.press('Control+k');
  await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
  await page.keyboard.type('Use dark theme');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
}

describe('the Activity page', () => {
  it('follows a fine-tune live from Running to Completed, filters it, shows its progress, charts and adapter, retries and duplicates it, cancels and deletes in bulk, with no axe violations', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/activity`);
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    await page.getByText('Live updates on').waitFor({ timeout: 30_000 });
    const report: string[] = [];

    // Launched elsewhere (the API); the open board picks it up live.
    const job = await apiFetch<Job>(server, 'POST', '/api/jobs', {
      type: 'train',
      config: { modelId: model.id, datasetId: dataset.id, maxSteps: 40, seqLen: 64, checkpointEvery: 5, batchSize: 1 },
    });
    const cardIn = (column: string) => page.locator(`section[data-column="${column}"] li[data-job-id="${job.id}"]`);
    await cardIn('running').waitFor({ timeout: 60_000 });
    await cardIn('running').getByRole('progressbar').waitFor();
    report.push(await accessibilityReport(page, 'board with a running job (light)'));
    await cardIn('succeeded').waitFor({ timeout: 150_000 });
    expect(await cardIn('running').count()).toBe(0);
    expect(await cardIn('succeeded').textContent()).toContain('doubling');

    // Filter by text: the dataset's name finds it, other words do not.
    const filter = page.getByRole('searchbox', { name: 'Filter by text' });
    await filter.fill('doubling');
    await cardIn('succeeded').waitFor();
    await filter.fill('no such job anywhere');
    await page.getByText('No jobs match', { exact: true }).waitFor();
    expect(await cardIn('succeeded').count()).toBe(0);
    await filter.fill(job.id);
    await cardIn('succeeded').waitFor();

    // Selecting is keyboard accessible: Select all in view, then the bulk actions appear.
    await page.getByRole('checkbox', { name: /^Select all in view/ }).check();
    await page.getByRole('group', { name: 'Actions on the selected jobs' }).getByText('1 job selected').waitFor();
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // The list view is remembered.
    await page.getByRole('radio', { name: 'List' }).click();
    await page.locator(`ul[aria-label="Jobs"] li[data-job-id="${job.id}"]`).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('qlora.activity.view'))).toBe('list');
    report.push(await accessibilityReport(page, 'list view (light)'));
    report.push(await phoneReport(page, 'list view (light)'));
    await page.getByRole('radio', { name: 'Board' }).click();

    // The job detail: progress, the loss chart, the process charts and the adapter.
    await cardIn('succeeded').getByRole('link', { name: job.title }).click();
    await page.waitForURL(`**/activity/jobs/${job.id}`);
    await page.getByRole('heading', { level: 1, name: job.title }).waitFor();
    await page.locator('[data-fact="Step"]', { hasText: '40 / 40' }).waitFor({ timeout: 30_000 });
    await page.getByRole('progressbar', { name: `Progress of ${job.title}` }).waitFor();
    const loss = page.locator('canvas[data-chart="loss"]');
    await loss.waitFor({ timeout: 30_000 });
    expect(await loss.getAttribute('aria-label')).toMatch(/^Training and validation loss: Training loss [\d.]+ at step 40/);
    await page.locator('canvas[data-chart="cpu"]').waitFor({ timeout: 30_000 });
    await page.locator('canvas[data-chart="rss"]').waitFor();
    const artifacts = page.getByRole('list', { name: 'Artifacts' });
    await artifacts.locator('[data-artifact="adapter"]').waitFor({ timeout: 30_000 });
    await artifacts.getByRole('button', { name: 'Copy adapter folder path' }).waitFor();
    expect(await artifacts.locator('[data-artifact="checkpoint"]').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    await page.getByRole('button', { name: 'Duplicate' }).waitFor();
    report.push(await accessibilityReport(page, 'job detail (light)'));

    await useDarkTheme(page);
    report.push(await accessibilityReport(page, 'job detail (dark)'));
    report.push(await phoneReport(page, 'job detail (dark)'));
    await page.getByRole('link', { name: 'Activity' }).first().click();
    await cardIn('succeeded').waitFor();
    report.push(await accessibilityReport(page, 'board (dark)'));
    report.push(await phoneReport(page, 'board (dark)'));

    // Retry: a new job with the same settings, naming this one as its parent.
    await page.goto(`${server.url}/activity/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/activity/jobs/') && !url.pathname.endsWith(job.id));
    await page.getByRole('link', { name: job.id, exact: true }).waitFor();
    const retryId = new URL(page.url()).pathname.split('/').at(-1)!;

    // Duplicate: the Fine-tune form opens with these settings loaded.
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await page.waitForURL('**/fine-tune');
    await page.getByText(/^Loaded the settings of job/).waitFor();
    expect(await page.getByRole('textbox', { name: 'Max steps' }).inputValue()).toBe('40');
    expect(await page.getByRole('textbox', { name: 'Sequence length' }).inputValue()).toBe('64');

    // Together: cancel what still runs (a long fine-tune), then delete them all. The retry ends
    // first, so it cannot finish between the selection and Cancel (it would then not cancel).
    await waitFor(
      async () => ['succeeded', 'failed'].includes((await apiFetch<Job>(server, 'GET', `/api/jobs/${retryId}`)).status) || undefined,
      90_000,
      'the retried fine-tune to end',
    );
    const long = await apiFetch<Job>(server, 'POST', '/api/jobs', {
      type: 'train',
      config: { modelId: model.id, datasetId: dataset.id, maxSteps: 5000, seqLen: 64 },
    });
    await page.goto(`${server.url}/activity`);
    // Running with steps done and no checkpoint: Cancel asks first, saying what is lost.
    await page
      .locator(`section[data-column="running"] li[data-job-id="${long.id}"]`)
      .filter({ hasText: /[1-9]\d* \/ 5000/ })
      .waitFor({ timeout: 60_000 });
    const selectAll = page.getByRole('checkbox', { name: /^Select all in view/ });
    const bulk = page.getByRole('group', { name: 'Actions on the selected jobs' });
    await selectAll.check();
    await bulk.getByText('3 jobs selected').waitFor();
    await bulk.getByRole('button', { name: 'Cancel (1)' }).click();
    const confirmCancel = page.getByRole('alertdialog', { name: 'Cancel 1 job?' });
    expect(await confirmCancel.textContent()).toMatch(/has saved no checkpoint, so (that step is|all \d+ steps are) lost/);
    report.push(await accessibilityReport(page, 'cancel confirmation (dark)'));
    await confirmCancel.getByRole('button', { name: 'Cancel the job' }).click();
    await page.getByText('Stopping: 1 job', { exact: true }).waitFor();
    const active = page.locator('section[data-column="running"] li[data-job-id], section[data-column="queued"] li[data-job-id]');
    await expect.poll(() => active.count(), { timeout: 60_000 }).toBe(0);
    await selectAll.check();
    await bulk.getByRole('button', { name: 'Delete (3)' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete 3 jobs?' });
    expect(await confirm.textContent()).toContain('adapter and checkpoints');
    report.push(await accessibilityReport(page, 'bulk delete confirmation (dark)'));
    await confirm.getByRole('button', { name: 'Delete jobs' }).click();
    await page.getByText('Deleted: 3 jobs').waitFor();
    await page.getByText('No jobs yet').waitFor();

    expect(report.filter(Boolean).join('\n\n')).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says why a fine-tune failed, what to try, and links to the dataset', async () => {
    // Prompts longer than the sequence length: nothing of the answers is left to train on.
    const long = Array.from({ length: 4 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `${'Tell me more. '.repeat(40)}(${i})` },
          { role: 'assistant', content: 'No.' },
        ],
      }),
    );
    const upload = await fetch(`${server.url}/api/datasets/upload?fileName=long-prompts.jsonl`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: long.join('\n'),
    });
    if (!upload.ok) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
    const longPrompts = (await upload.json()) as Dataset;
    const job = await apiFetch<Job>(server, 'POST', '/api/jobs', {
      type: 'train',
      config: { modelId: model.id, datasetId: longPrompts.id, maxSteps: 5, seqLen: 16 },
    });
    await waitFor(
      async () => {
        const j = await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`);
        return j.status === 'failed' ? j : j.status === 'succeeded' ? Promise.reject(new Error('the fine-tune should have failed')) : undefined;
      },
      60_000,
      'the fine-tune to fail',
    );

    const context = await newContext(browser, { theme: 'dark' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/activity/jobs/${job.id}`);
    const why = page.getByRole('alert').filter({ hasText: 'Why this job failed' });
    await why.getByText(/No example has a token left to train on within the sequence length 16/).waitFor();
    await why.getByText('What to try: Check the value named in the message.').waitFor();
    await why.getByRole('link', { name: 'Check the dataset on the Fine-tune page' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fine-tune' }).waitFor();
    await page.goBack();
    await why.waitFor();
    expect(await accessibilityReport(page, 'failed job, dark')).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('resumes a canceled fine-tune from its last checkpoint, saying from which step, and links the new job to it', async () => {
    const job = await apiFetch<Job>(server, 'POST', '/api/jobs', {
      type: 'train',
      config: { modelId: model.id, datasetId: dataset.id, maxSteps: 100_000, seqLen: 64, checkpointEvery: 5 },
    });
    await waitFor(async () => ((await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`)).latestCheckpoint ? true : undefined), 60_000, 'a checkpoint');
    await apiFetch<Job>(server, 'POST', `/api/jobs/${job.id}/cancel`);
    const stopped = await waitFor(
      async () => {
        const j = await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`);
        return j.status === 'canceled' ? j : undefined;
      },
      60_000,
      'the job to stop',
    );

    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/activity/jobs/${job.id}`);
    await page.getByText('This job was canceled').waitFor();
    await page.getByText(`It saved a checkpoint at step ${stopped.latestCheckpoint!.step}`).waitFor();
    const resume = page.getByRole('button', { name: `Resume from step ${stopped.latestCheckpoint!.step}` });
    await resume.click();
    await page.waitForURL((url) => url.pathname.startsWith('/activity/jobs/') && !url.pathname.endsWith(job.id));
    await page.getByRole('link', { name: job.id, exact: true }).waitFor();
    // Lineage names the checkpoint it resumed from (the raw config, collapsed, holds it too).
    await expect
      .poll(() => page.getByText(stopped.latestCheckpoint!.path).evaluateAll((els) => els.some((el) => el.checkVisibility())), { timeout: 30_000 })
      .toBe(true);
    const resumedId = new URL(page.url()).pathname.split('/').pop()!;
    await apiFetch<Job>(server, 'POST', `/api/jobs/${resumedId}/cancel`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
