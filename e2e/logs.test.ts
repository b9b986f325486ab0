import fs from 'node:fs/promises';
import type { Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, runAxe } from './support/axe';
import { launchBrowser, newContext, watchErrors } from './support/browser';
import { apiFetch, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => void ([server, browser] = await Promise.all([startServer(), launchBrowser()])));

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const paletteCommand = { dark: 'Use dark theme', 'high-contrast': 'Use high-contrast theme' } as const;

/** Axe violations in the light, dark and high-contrast themes, switched from the command palette as a user would. */
async function violationsInEveryTheme(page: Page, label: string): Promise<string> {
  const found: string[] = [];
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    if (theme !== 'light') {
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
      await page.keyboard.type(paletteCommand[theme]);
      await page.keyboard.press('Enter');
    }
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    await page.waitForTimeout(300);
    const violations = await runAxe(page);
    if (violations.length) found.push(`${label} (${theme}):\n${describeViolations(violations)}`);
  }
  return found.join('\n\n');
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
    await log
      .getByText(/ONNX Runtime/)
      .first()
      .waitFor({ timeout: 60_000 });
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

    // Follow / pause: going to a match paused following; the toggle resumes and pauses it. The job has
    // finished and nothing new arrived, so there is no "Jump to latest" (see the next test for that).
    const follow = page.getByRole('button', { name: 'Follow new lines' });
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('button', { name: /^Jump to latest/ }).count()).toBe(0);
    await follow.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
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
    const events = jsonl.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; at: string; level?: string; message?: string });
    expect(events.length).toBe(textLines.length);
    expect(events.every((e) => e.kind === 'log' || e.kind === 'status')).toBe(true);
    expect(events.some((e) => e.kind === 'log' && e.level === 'info' && e.message?.includes('ONNX Runtime'))).toBe(true);
    await info.click();

    // Accessibility with a highlighted match on screen, in light, dark and high contrast.
    await search.press('Enter');
    await log.locator('mark[data-current]').waitFor();
    expect(await violationsInEveryTheme(page, 'log viewer with a highlighted match')).toBe('');

    // The log is reachable and scrollable by keyboard.
    await log.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('log');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps only visible rows in the page for thousands of lines, pauses when scrolled up, counts new lines, jumps to the first error and to a match', async () => {
    // A real finished job, whose stream is replaced by a chatty synthetic one: 3,000 lines first
    // (one long, one error), then 25 more on every reconnect, while the job says it is running.
    const job = await apiFetch<Job>(server, 'POST', '/api/jobs', { type: 'system-check', config: { benchmarkSeconds: 0.3, matrixSize: 128 } });
    let nextId = 1;
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const event = (fields: Record<string, unknown>) => {
      const id = nextId++;
      return `id: ${id}\nevent: job\ndata: ${JSON.stringify({ id, jobId: job.id, at: new Date(base + id * 10).toISOString(), ...fields })}\n\n`;
    };
    const line = (n: number) =>
      event({
        kind: 'log',
        level: n === 1200 ? 'error' : n % 100 === 0 ? 'warn' : 'info',
        message: n === 1200 ? 'line 1200: CUDA out of memory' : n === 2990 ? `line 2990: ${'long '.repeat(120)}end` : `line ${n}: step ${n} loss=0.${n}`,
      });
    let lines = 0;
    const context = await newContext(browser, { theme: 'dark' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.route(`**/api/jobs/${job.id}/stream**`, (route) => {
      let body = lines === 0 ? event({ kind: 'status', status: 'running', error: null }) : '';
      const count = lines === 0 ? 3000 : 25;
      for (let i = 0; i < count; i++) body += line(++lines);
      return route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, body });
    });
    await page.goto(`${server.url}/activity/jobs/${job.id}`);
    const log = page.getByRole('log', { name: /^Job log/ });
    await log.getByText('line 3000:').waitFor({ timeout: 30_000 });

    // Virtualized: a few dozen rows in the page, not thousands; the long line wraps (no sideways scroll).
    const rows = log.locator('[data-index]');
    expect(await rows.count()).toBeLessThan(80);
    const sideways = await log.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(sideways).toBeLessThanOrEqual(0);

    // Following: new lines keep arriving and the newest stays in view.
    await expect.poll(() => lines, { timeout: 30_000 }).toBeGreaterThan(3025);
    await log.getByText(`line ${lines}:`).waitFor({ timeout: 10_000 });
    const follow = page.getByRole('button', { name: 'Follow new lines' });
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    // Screen readers hear a short summary every few seconds, not every line.
    await page
      .getByRole('status')
      .filter({ hasText: /^\d+ new lines?(, \d+ errors?)?$/ })
      .waitFor({ state: 'attached', timeout: 15_000 });

    // Scrolling up pauses; what arrives meanwhile is counted on "Jump to latest".
    await log.hover();
    await page.mouse.wheel(0, -2000);
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('false');
    const jump = page.getByRole('button', { name: /^Jump to latest \(\d+ new lines?\)$/ });
    await jump.waitFor({ timeout: 30_000 });
    const before = lines;
    await jump.click();
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('true');
    await log.getByText(new RegExp(`^line ${before}:`)).waitFor({ timeout: 10_000 });

    // The long line is measured as several rows tall.
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('line 2990:');
    await page.getByRole('searchbox', { name: 'Search the log' }).press('Enter');
    const long = log.locator('[data-index]', { hasText: 'line 2990:' });
    await long.waitFor();
    expect((await long.boundingBox())!.height).toBeGreaterThan(40);
    const next = await log.locator('[data-index]', { hasText: 'line 2991:' }).boundingBox();
    const longBox = (await long.boundingBox())!;
    expect(Math.abs(next!.y - (longBox.y + longBox.height))).toBeLessThan(2);

    // First error: far up the log, brought into view.
    await page.getByRole('button', { name: 'First error' }).click();
    await log.locator('[data-level="error"]', { hasText: 'CUDA out of memory' }).waitFor();
    expect(await follow.getAttribute('aria-pressed')).toBe('false');

    // Search finds a line far away and scrolls to it, highlighted.
    const search = page.getByRole('searchbox', { name: 'Search the log' });
    await search.fill('LINE 17:');
    await search.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: /match/ }).textContent()).toBe('1 of 1 match');
    expect(await log.locator('mark[data-current]').textContent()).toBe('line 17:');

    expect(describeViolations(await runAxe(page))).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });
});
