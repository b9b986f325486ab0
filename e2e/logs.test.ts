import fs from 'node:fs/promises';
import type { Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, runAxe } from './support/axe';
import { launchBrowser, newContext, watchErrors } from './support/browser';
import { apiFetch, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Switches the theme the way a user would: from the command palette. */
async function switchTheme(page: Page, theme: 'dark' | 'high-contrast') {
  await page.keyboard.press('Control+k');
  await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
  await page.keyboard.type(theme === 'dark' ? 'Use dark theme' : 'Use high-contrast theme');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

async function axeReport(page: Page, label: string): Promise<string> {
  await page.waitForTimeout(300);
  const violations = await runAxe(page);
  return violations.length ? `${label}:\n${describeViolations(violations)}` : '';
}

/** Clicks an export button and returns the downloaded file's name and text. */
async function exportAs(page: Page, format: 'log' | 'jsonl') {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: new RegExp(`^Export all \\d+ loaded lines as \\.${format}$`) }).click();
  const file = await download;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await fs.readFile(path, 'utf8') };
}

describe('the job Log Viewer', () => {
  it('streams a system check’s log, searches with highlighting, filters by level, follows and pauses, exports .log and .jsonl, with no axe violations', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Open the page as the job starts, so its lines arrive live.
    const job = await apiFetch<Job>(server, 'POST', '/api/jobs', { type: 'system-check', config: { benchmarkSeconds: 0.3, matrixSize: 128 } });
    await page.goto(`${server.url}/activity/jobs/${job.id}`);

    const log = page.getByRole('log', { name: /^Job log/ });
    await log.waitFor();
    expect(await log.getAttribute('tabindex')).toBe('0');
    await log.getByText(/ONNX Runtime/).first().waitFor({ timeout: 60_000 });
    await page.getByText('Succeeded', { exact: true }).first().waitFor({ timeout: 90_000 });
    await log.getByText(/Best matrix-multiply speed/).waitFor({ timeout: 30_000 });
    const rows = log.locator('[data-index]');
    const lineCount = await rows.count();
    expect(lineCount).toBeGreaterThan(4);

    // Search: case-insensitive, highlighted, "n of m matches", Enter / Shift+Enter step through.
    const search = page.getByRole('searchbox', { name: 'Search the log' });
    await search.fill('onnx');
    const summary = page.getByRole('status').filter({ hasText: /match/ });
    await expect.poll(() => summary.textContent()).toMatch(/^\d+ match(es)?$/);
    const total = Number(/^(\d+)/.exec((await summary.textContent()) ?? '')![1]);
    expect(total).toBeGreaterThanOrEqual(2);
    expect((await log.locator('mark').first().textContent())?.toLowerCase()).toBe('onnx');
    await search.press('Enter');
    await expect.poll(() => summary.textContent()).toBe(`1 of ${total} matches`);
    expect((await log.locator('mark[data-current]').textContent())?.toLowerCase()).toBe('onnx');
    await search.press('Enter');
    await expect.poll(() => summary.textContent()).toBe(`2 of ${total} matches`);
    await search.press('Shift+Enter');
    await search.press('Shift+Enter');
    await expect.poll(() => summary.textContent()).toBe(`${total} of ${total} matches`);
    await search.fill('no such text anywhere');
    await expect.poll(() => summary.textContent()).toBe('No matches');
    await search.fill('ONNX');

    // Level filter: hiding Info hides every line of this (info-only) log; showing it brings them back.
    const levels = page.getByRole('group', { name: 'Show log levels' });
    const info = levels.getByRole('button', { name: /^Info/ });
    expect(await info.getAttribute('aria-pressed')).toBe('true');
    await info.click();
    expect(await info.getAttribute('aria-pressed')).toBe('false');
    const infoLines = Number((await info.textContent())!.replace(/\D/g, ''));
    await expect.poll(() => rows.count()).toBe(lineCount - infoLines);
    if (infoLines === lineCount) await log.getByText('No lines at the levels shown.').waitFor();
    await info.click();
    await expect.poll(() => rows.count()).toBe(lineCount);
    // A system check that went well has no errors to jump to.
    expect(await page.getByRole('button', { name: 'First error' }).isDisabled()).toBe(true);

    // Follow / pause: going to a match paused following; "Jump to latest" resumes it, the toggle pauses it again.
    const follow = page.getByRole('button', { name: 'Follow new lines' });
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    await page.getByRole('button', { name: /^Jump to latest/ }).click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: /^Jump to latest/ }).count()).toBe(0);
    await follow.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('false');
    await follow.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');

    // Export: every loaded line, whatever the filter, as .log and as .jsonl.
    await info.click();
    const plain = await exportAs(page, 'log');
    expect(plain.name).toBe(`system-check-${job.id}.log`);
    const textLines = plain.text.trimEnd().split('\n');
    expect(textLines.length).toBeGreaterThanOrEqual(lineCount);
    for (const line of textLines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (DEBUG|INFO|WARN|ERROR) ./);
    expect(plain.text).toContain('ONNX Runtime');
    const jsonl = await exportAs(page, 'jsonl');
    expect(jsonl.name).toBe(`system-check-${job.id}.jsonl`);
    const events = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; at: string; level?: string; message?: string });
    expect(events.length).toBe(textLines.length);
    expect(events.every((e) => e.kind === 'log' || e.kind === 'status')).toBe(true);
    expect(events.some((e) => e.kind === 'log' && e.level === 'info' && e.message?.includes('ONNX Runtime'))).toBe(true);
    await info.click();

    // Accessibility with a highlighted match on screen, in light, dark and high contrast.
    await search.press('Enter');
    await log.locator('mark[data-current]').waitFor();
    const report = [await axeReport(page, 'log viewer (light)')];
    await switchTheme(page, 'dark');
    report.push(await axeReport(page, 'log viewer (dark)'));
    await switchTheme(page, 'high-contrast');
    report.push(await axeReport(page, 'log viewer (high contrast)'));
    expect(report.filter(Boolean).join('\n\n')).toBe('');

    // The log is reachable and scrollable by keyboard.
    await log.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('log');
    expect(errors).toEqual([]);
    await context.close();
  });
});
