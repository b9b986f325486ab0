/**
 * The whole fine-tune journey as a new user makes it, in one browser: a demo model and a
 * dropped dataset on the Fine-tune page, launch, watch progress and the log live, reload
 * mid-run and re-attach, cancel, resume from the checkpoint to completion, then find the
 * adapter on the job page and the run on the Dashboard.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, watchErrors } from './support/browser';
import { dropFile } from './support/files';
import { startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const jsonl = Array.from({ length: 16 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `Spell ${i}.` },
      { role: 'assistant', content: `Number ${i}.` },
    ],
  }),
).join('\n');

/** The step the job page shows ("n / 1200"), or -1. */
async function shownStep(page: Page): Promise<number> {
  const text = (await page.locator('main').textContent()) ?? '';
  const match = /(\d+) \/ 1200/.exec(text);
  return match ? Number(match[1]) : -1;
}

describe('a fine-tune from start to finish', () => {
  it('launches, watches, survives a reload, cancels, resumes to completion and shows on the Dashboard', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/fine-tune`);
    await page.getByRole('button', { name: 'Create demo model' }).click();
    await page.getByRole('radiogroup', { name: 'Base model' }).getByRole('radio', { checked: true }).waitFor({ timeout: 60_000 });
    await dropFile(page, 'Upload a dataset file', 'spelling.jsonl', jsonl);
    await page.getByRole('heading', { name: /^Validation report: spelling/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('radio', { name: 'Max steps' }).click();
    await page.getByRole('textbox', { name: 'Max steps' }).fill('1200');
    await page.getByRole('textbox', { name: 'Sequence length' }).fill('64');
    await page.getByRole('searchbox', { name: 'Search settings' }).fill('checkpoint');
    await page.getByRole('textbox', { name: 'Checkpoint every' }).fill('10');
    await page.getByRole('searchbox', { name: 'Search settings' }).fill('');
    await page.getByRole('button', { name: 'Launch fine-tune' }).click();
    await page.waitForURL(/\/activity\/jobs\/[^/]+$/, { timeout: 30_000 });
    const jobUrl = page.url();

    // Live: the step advances and the log fills while it runs.
    await expect
      .poll(() => shownStep(page), { timeout: 90_000 })
      .toBeGreaterThan(0)
      .catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}\n${((await page.locator('main').textContent()) ?? '').slice(0, 1500)}`);
      });
    await page
      .getByRole('log')
      .getByText(/Training on \d+ records/)
      .waitFor({ timeout: 30_000 });

    // Reload mid-run: the page re-attaches and keeps following.
    const before = await shownStep(page);
    await page.reload();
    await expect.poll(() => shownStep(page), { timeout: 60_000 }).toBeGreaterThan(before);
    await page
      .getByRole('log')
      .getByText(/Training on \d+ records/)
      .waitFor({ timeout: 30_000 });

    // Cancel once a checkpoint exists, then resume from it.
    await expect.poll(() => shownStep(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(30);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const confirm = page.getByRole('alertdialog');
    if (await confirm.isVisible().catch(() => false))
      await confirm
        .getByRole('button', { name: /cancel/i })
        .last()
        .click();
    await page.getByText('This job was canceled').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /^Resume from step \d+$/ }).click();
    await page.waitForURL((url) => url.href !== jobUrl && /\/activity\/jobs\//.test(url.pathname), { timeout: 30_000 });
    await page.getByText('Succeeded', { exact: true }).first().waitFor({ timeout: 180_000 });
    await page
      .getByRole('list', { name: 'Artifacts' })
      .getByText(/adapter/i)
      .first()
      .waitFor({ timeout: 30_000 });

    // The Dashboard counts the adapter and shows the run in its timeline.
    await page.goto(server.url);
    const overview = page.getByRole('list', { name: 'Workspace overview' });
    await expect
      .poll(async () => (await overview.getByRole('listitem').filter({ hasText: 'Adapters' }).textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/^Adapters1{1,2}LoRA/); // the count, shown and for screen readers
    await page
      .getByText(/Fine-tune succeeded/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
