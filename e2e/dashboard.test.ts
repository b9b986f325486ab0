import type { Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, runAxe } from './support/axe';
import { launchBrowser, newContext, watchErrors, type Theme } from './support/browser';
import { apiFetch, startServer, waitFor, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;

const record = JSON.stringify({
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello' },
  ],
});

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await apiFetch(server, 'POST', '/api/models/demo', {});
  const response = await fetch(`${server.url}/api/datasets/upload?fileName=a.jsonl`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: `${record}\n${record}\n`,
  });
  if (!response.ok) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path: string, options: { theme?: Theme; reducedMotion?: boolean; init?: () => void } = {}) {
  const context = await newContext(browser, { theme: options.theme, reducedMotion: options.reducedMotion });
  if (options.init) await context.addInitScript(options.init);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url + path);
  return { page, errors, close: () => context.close() };
}

/** An overview card: a link named by its label and settled value ("Models 1 …"). */
const card = (page: Page, label: string, value: number | string) =>
  page.getByRole('list', { name: 'Workspace overview' }).getByRole('link', { name: new RegExp(`^${label}\\s*${value}\\b`) });

/** Runs a quick system check through the API and waits for it to succeed. */
async function finishedSystemCheck(): Promise<Job> {
  const job = await apiFetch<Job>(server, 'POST', '/api/jobs', { type: 'system-check', config: { benchmarkSeconds: 0.2, matrixSize: 128 } });
  return waitFor(
    async () => {
      const j = await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`);
      return j.status === 'succeeded' ? j : j.status === 'failed' ? Promise.reject(new Error(`system check failed: ${j.error?.message}`)) : undefined;
    },
    60_000,
    'the system check to finish',
  );
}

describe('the Dashboard', () => {
  it('shows the counts, the timeline with expandable details, and quick actions that work', async () => {
    const { page, errors, close } = await open('/');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // Overview cards: the seeded model and dataset, and where they link.
    await card(page, 'Models', 1).waitFor();
    await card(page, 'Datasets', 1).waitFor();
    await card(page, 'Running jobs', 0).waitFor();
    expect(await card(page, 'Models', 1).getAttribute('href')).toBe('/fine-tune');
    expect(await card(page, 'Failed jobs', 0).getAttribute('href')).toBe('/activity');
    expect(await card(page, 'Adapters', 0).getAttribute('href')).toBe('/activity?type=train');

    // The timeline: both events under "Today", with their badges.
    const timeline = page.getByRole('region', { name: 'Recent activity' });
    await timeline.getByRole('heading', { name: 'Today' }).waitFor();
    await timeline.getByText(/^Demo model ".+" created$/).waitFor();
    await timeline.getByText(/^Dataset "a" uploaded/).waitFor();
    await timeline.getByText('Dataset created').waitFor();
    await timeline.getByText('Model added').waitFor();

    // Expand the dataset's details with the mouse, the model's with the keyboard.
    const datasetDetails = timeline.getByRole('button', { name: /^Details\W+Dataset "a"/ });
    expect(await datasetDetails.getAttribute('aria-expanded')).toBe('false');
    await datasetDetails.click();
    expect(await datasetDetails.getAttribute('aria-expanded')).toBe('true');
    const panel = page.locator(`[id="${await datasetDetails.getAttribute('aria-controls')}"]`);
    await panel.getByText('Recorded').waitFor();
    expect(await panel.locator('dd').first().textContent()).toBe('a');
    await panel.getByRole('link', { name: 'Open Fine-tune' }).waitFor();

    const modelDetails = timeline.getByRole('button', { name: /^Details\W+Demo model/ });
    await modelDetails.focus();
    await page.keyboard.press('Enter');
    expect(await modelDetails.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Space');
    expect(await modelDetails.getAttribute('aria-expanded')).toBe('false');

    // A quick action goes where it says.
    await page
      .getByRole('region', { name: 'Quick actions' })
      .getByRole('link', { name: /New fine-tune/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Fine-tune' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/fine-tune');
    // Upload dataset opens the Fine-tune page at its dataset step, focused there.
    await page.goBack();
    await page
      .getByRole('region', { name: 'Quick actions' })
      .getByRole('link', { name: /Upload dataset/ })
      .click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('step-dataset-title');
    expect(
      await page
        .getByRole('button', { name: /Dataset/ })
        .first()
        .getAttribute('aria-current'),
    ).toBe('step');
    expect(errors).toEqual([]);
    await close();
  });

  it('refreshes the counts and the timeline when a job finishes, counting up when motion is allowed', async () => {
    const { page, close } = await open('/', { reducedMotion: false });
    await card(page, 'Completed jobs', 0).waitFor();
    const job = await finishedSystemCheck();
    // No reload: the live job events invalidate the overview.
    await card(page, 'Completed jobs', 1).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-card="completed"] [data-testid="counter"]')?.textContent === '1');
    const timeline = page.getByRole('region', { name: 'Recent activity' });
    const link = timeline.getByRole('link', { name: /System check succeeded/ }).first();
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe(`/activity/jobs/${job.id}`);
    await close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`has no axe violations in the ${theme} theme, with details open`, async () => {
      const { page, close } = await open('/', { theme });
      await card(page, 'Models', 1).waitFor();
      const timeline = page.getByRole('region', { name: 'Recent activity' });
      await timeline.getByRole('button', { name: /^Details\W+Dataset "a"/ }).click();
      await timeline.getByText('Recorded').first().waitFor();
      await page.getByText('Best matrix-multiply speed').or(page.getByText('No system check yet')).first().waitFor();
      await page.waitForTimeout(300);
      const violations = await runAxe(page);
      expect(describeViolations(violations)).toBe('');
      await close();
    });
  }
});

describe('browser notifications', () => {
  it('asks permission when turned on, then notifies when a job ends while the tab is hidden; the click opens the job', async () => {
    const { page, close } = await open('/settings', {
      init: () => {
        const w = window as unknown as {
          notes: { title: string; body?: string; tag?: string }[];
          lastNote?: { onclick: (() => void) | null };
          hidden?: boolean;
        };
        w.notes = [];
        class FakeNotification {
          static permission: NotificationPermission = 'default';
          static requestPermission() {
            FakeNotification.permission = 'granted';
            return Promise.resolve('granted' as const);
          }
          onclick: (() => void) | null = null;
          constructor(title: string, options: NotificationOptions = {}) {
            w.notes.push({ title, body: options.body, tag: options.tag });
            w.lastNote = this;
          }
          close() {}
        }
        Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true });
        Object.defineProperty(document, 'visibilityState', { get: () => (w.hidden ? 'hidden' : 'visible'), configurable: true });
      },
    });
    const toggle = page.getByRole('switch', { name: 'Browser notifications when a job finishes' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await page.waitForFunction(
      () => document.querySelector('[role="switch"][aria-labelledby="browser-notify-title"]')?.getAttribute('aria-checked') === 'true',
    );
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('qlora.preferences'))) ?? '{}')).toMatchObject({ browserNotifyJobs: true });

    // Client-side to the Dashboard (the page and its fake permission stay), then hide the tab.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.evaluate(() => ((window as unknown as { hidden: boolean }).hidden = true));
    const job = await finishedSystemCheck();
    await page.waitForFunction(() => (window as unknown as { notes: unknown[] }).notes.length > 0, undefined, { timeout: 15_000 });
    const notes = await page.evaluate(() => (window as unknown as { notes: { title: string; body: string; tag: string }[] }).notes);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ tag: job.id, body: 'Finished without problems. Click to see the results.' });
    expect(notes[0]!.title).toMatch(/succeeded$/);

    await page.evaluate(() => (window as unknown as { lastNote: { onclick: () => void } }).lastNote.onclick());
    await page.waitForURL(`**/activity/jobs/${job.id}`);
    await close();
  });
});
