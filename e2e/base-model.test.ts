/**
 * Question/answer data on a base model without a chat template, as a new user meets it (issue
 * 12): register the model folder, upload a Question,Answer CSV, see it read as prompt /
 * completion with a prompt template proposed and the masking preview following the template,
 * launch, read step lines in the job's log, then find the same template offered for the
 * adapter in the Playground.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, watchErrors } from './support/browser';
import { dropFile } from './support/files';
import { repoRoot, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let modelDir: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  modelDir = path.join(server.home, 'base-model');
  const made = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'packages/server/bin/qlora.js'), 'make-tiny-model', '--arch', 'llama', '--out', modelDir, '--no-chat-template'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`make-tiny-model failed:\n${made.stdout}\n${made.stderr}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const csv = ['Question,Answer', ...Array.from({ length: 12 }, (_, i) => `"What is 0.2 x ${i * 10}?",${i * 2}`)].join('\n') + '\n';

/** Picks the first option of select `name` whose text holds `text`. */
async function chooseOption(page: Page, name: string, text: string): Promise<void> {
  const select = page.getByRole('combobox', { name });
  const option = select.locator('option', { hasText: text }).first();
  await option.waitFor({ state: 'attached', timeout: 30_000 });
  await select.selectOption((await option.getAttribute('value'))!);
}

/** The first sample of the masking preview, as text. */
const preview = (page: Page) => page.locator('figure pre').first().textContent();

describe('question / answer data on a base model', () => {
  it('proposes a prompt template, previews it, trains with it, logs each step, and the Playground offers it', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/fine-tune`);

    await page.getByRole('button', { name: 'Register a folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a model folder' });
    await dialog.getByRole('textbox', { name: 'Folder path' }).fill(modelDir);
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('base-260k');
    await dialog.getByRole('button', { name: 'Register' }).click();
    await page
      .getByRole('radiogroup', { name: 'Base model' })
      .getByRole('radio', { name: /base-260k/, checked: true })
      .waitFor({ timeout: 30_000 });

    await dropFile(page, 'Upload a dataset file', 'gsm.csv', csv);
    await page.getByRole('heading', { name: /^Validation report: gsm/ }).waitFor({ timeout: 60_000 });
    await page.getByText('Records are read as Prompt / completion (Question → prompt, Answer → completion).', { exact: false }).waitFor();
    const template = page.getByRole('combobox', { name: 'Prompt template' });
    await expect.poll(() => template.inputValue()).toBe('question-answer');
    await expect
      .poll(() => preview(page), { timeout: 30_000 })
      .toMatch(/^\[masked\] <s>Question: What is 0\.2 x 0\?\nAnswer:\[trained\] {2}0<\/s> \[end trained\] $/);

    // The preview follows the template: Alpaca, then back.
    await template.selectOption('alpaca');
    await expect.poll(() => preview(page), { timeout: 30_000 }).toContain('### Instruction:\nWhat is 0.2 x 0?');
    await template.selectOption('question-answer');
    await expect.poll(() => preview(page), { timeout: 30_000 }).toContain('Question: What is 0.2 x 0?');

    await page.getByRole('radio', { name: 'Max steps' }).click();
    await page.getByRole('textbox', { name: 'Max steps' }).fill('4');
    await page.getByRole('textbox', { name: 'Sequence length' }).fill('64');
    await page.getByRole('button', { name: 'Launch fine-tune' }).click();
    await page.waitForURL(/\/activity\/jobs\/[^/]+$/, { timeout: 30_000 });
    await page.getByText('Succeeded', { exact: true }).first().waitFor({ timeout: 180_000 });
    await page
      .getByRole('log')
      .getByText(/^Step 4\/4: loss \d/)
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole('log')
      .getByText(/^Step 1\/4: loss \d/)
      .waitFor();

    await page.goto(`${server.url}/playground`);
    await chooseOption(page, 'Model for pane 1', 'base-260k');
    await chooseOption(page, 'Adapter for pane 1', 'gsm');
    const chatPrompt = page.getByRole('combobox', { name: 'Chat prompt for pane 1' });
    await expect.poll(async () => (await chatPrompt.locator('option:checked').textContent()) ?? '').toBe('As fine-tuned: Question / Answer');
    await page.getByText('Fine-tuned with the Question / Answer prompt template (Chat mode uses it)').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);
});
