import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityReport, phoneReport } from './support/axe';
import { launchBrowser, newContext, type Theme } from './support/browser';
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

/** A small chat dataset in the OpenAI messages layout, as a user would have on disk. */
const jsonl = Array.from({ length: 8 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `What is ${i} plus ${i}?` },
      { role: 'assistant', content: `${i} plus ${i} is ${i + i}.` },
    ],
  }),
).join('\n');

async function open(path: string, theme: Theme) {
  const context = await newContext(browser, { theme });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.url + path);
  return { page, pageErrors, close: () => context.close() };
}

/** Switches the theme the way a user would: from the command palette. */
async function switchTheme(page: Page, theme: 'dark' | 'high-contrast') {
  await page.keyboard.press('Control+k');
  await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
  await page.keyboard.type(theme === 'dark' ? 'Use dark theme' : 'Use high-contrast theme');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

describe('the Fine-tune page', () => {
  it('goes from a demo model and a dropped JSONL file to a running fine-tune, with no axe violations in light, dark and high contrast', async () => {
    const { page, pageErrors, close } = await open('/fine-tune', 'light');
    await page.getByRole('heading', { level: 1, name: 'Fine-tune' }).waitFor();
    const steps = page.getByRole('navigation', { name: 'Fine-tune steps' });
    for (const name of ['Model', 'Dataset', 'Method & parameters', 'Review & launch']) await steps.getByRole('button', { name, exact: true }).waitFor();
    expect(await steps.getByRole('button', { name: 'Model', exact: true }).getAttribute('aria-current')).toBe('step');
    const report: string[] = [];
    report.push(await accessibilityReport(page, 'empty page (light)'));

    // 1. Model: a demo model, made here, is chosen at once.
    await page.getByRole('button', { name: 'Create demo model' }).click();
    await page.getByRole('radiogroup', { name: 'Base model' }).getByRole('radio', { checked: true }).waitFor({ timeout: 60_000 });

    // 2. Dataset: drop a JSONL file; it uploads, is chosen, and its report shows the masking preview.
    await dropFile(page, 'Upload a dataset file', 'arithmetic.jsonl', jsonl, { type: 'application/jsonl' });
    await page.getByRole('heading', { name: /^Validation report: arithmetic/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Masking preview' }).waitFor({ timeout: 60_000 });
    const preview = page.locator('pre', { hasText: '[trained]' }).first();
    await preview.waitFor();
    expect(await preview.textContent()).toContain('[masked]');
    await page.getByRole('img', { name: /^Histogram of record lengths/ }).waitFor();

    // 3. Small settings: 2 steps at sequence length 64.
    await page.getByRole('radio', { name: 'Max steps' }).click();
    await page.getByRole('textbox', { name: 'Max steps' }).fill('2');
    const seqLen = page.getByRole('textbox', { name: 'Sequence length' });
    await seqLen.fill('6');
    await page.getByText('Sequence length must be a whole number from 8 to 131072.').first().waitFor();
    expect(await seqLen.getAttribute('aria-invalid')).toBe('true');
    // At 8 tokens the answers fall past the end: the report says nothing would train, and Launch waits.
    await seqLen.fill('8');
    await page.getByText('Nothing would train at a sequence length of 8').first().waitFor({ timeout: 30_000 });
    await steps.getByRole('button', { name: /^Review & launch/ }).click();
    await page.getByText(/Dataset: nothing would train at a sequence length of 8/).waitFor();
    expect(await page.getByRole('button', { name: 'Launch fine-tune' }).isDisabled()).toBe(true);
    await seqLen.fill('64');
    await page.getByText('Nothing would train at a sequence length of 8').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('textbox', { name: 'Batch size' }).fill('2');
    await page.getByRole('tab', { name: 'Optimization' }).click();
    await page.getByRole('textbox', { name: 'Gradient accumulation' }).fill('1');

    // A look at another page and back keeps the form as it was, typed settings included.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    await page.goBack();
    await page.getByText('Your unfinished fine-tune settings are back').waitFor();
    expect(await page.getByRole('textbox', { name: 'Max steps' }).inputValue()).toBe('2');
    expect(await page.getByRole('textbox', { name: 'Batch size' }).inputValue()).toBe('2');
    expect(await page.getByRole('textbox', { name: 'Sequence length' }).inputValue()).toBe('64');
    await page.getByRole('tab', { name: 'Optimization' }).click();
    expect(await page.getByRole('textbox', { name: 'Gradient accumulation' }).inputValue()).toBe('1');

    // Searching finds settings of every tab, the advanced ones included.
    await page.getByRole('searchbox', { name: 'Search settings' }).fill('checkpoint');
    await page.getByRole('textbox', { name: 'Checkpoint every' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search settings' }).fill('');

    // 4. Review: YAML, the CLI command and an estimate, in light and dark with no violations.
    await steps.getByRole('button', { name: /^Review & launch/ }).click();
    expect(await steps.getByRole('button', { name: /^Review & launch/ }).getAttribute('aria-current')).toBe('step');
    const yaml = page.getByLabel('Training config as YAML');
    await yaml.waitFor();
    expect(await yaml.textContent()).toContain('maxSteps: 2');
    expect(await page.getByLabel('qlora train command').textContent()).toContain('--seq-len 64');
    await page.getByText(/An estimate, not a promise/).waitFor({ timeout: 30_000 });
    report.push(await accessibilityReport(page, 'filled page (light)'));
    await switchTheme(page, 'dark');
    report.push(await accessibilityReport(page, 'filled page (dark)'));
    await switchTheme(page, 'high-contrast');
    report.push(await accessibilityReport(page, 'filled page (high contrast)'));
    // On a phone, the filled review fits the screen: nothing scrolls sideways, every control is 44px.
    report.push(await phoneReport(page, 'filled page (high contrast)'));
    expect(report.filter(Boolean).join('\n\n')).toBe('');

    // Launch: the job's live view opens.
    await page.getByRole('button', { name: 'Launch fine-tune' }).click();
    await page.waitForURL(/\/activity\/jobs\/[^/]+$/, { timeout: 30_000 });
    await page.getByRole('heading', { level: 1 }).waitFor();
    // Named by what sets it apart: model · dataset version · method and rank.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/ · arithmetic v1 · QLoRA r\d+$/);
    // It really runs: two steps of the demo model finish in seconds.
    await page.getByText('Succeeded', { exact: true }).first().waitFor({ timeout: 90_000 });
    expect(pageErrors).toEqual([]);
    await close();
  });
});
