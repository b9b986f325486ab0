import type { Job } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, runAxe } from './support/axe';
import { launchBrowser, newContext, watchErrors, type Theme } from './support/browser';
import { dropFile } from './support/files';
import { sidewaysOverflow, smallControls } from './support/targets';
import { apiFetch, createToken, startServer, waitFor, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
/** A finished system check, for the job detail page. */
let finishedJob: Job;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const job = await apiFetch<Job>(server, 'POST', '/api/jobs', { type: 'system-check', config: { benchmarkSeconds: 0.2, matrixSize: 256 } });
  finishedJob = await waitFor(
    async () => {
      const j = await apiFetch<Job>(server, 'GET', `/api/jobs/${job.id}`);
      return j.status === 'succeeded' ? j : j.status === 'failed' ? Promise.reject(new Error(`system check failed: ${j.error?.message}`)) : undefined;
    },
    60_000,
    'the seeded system check to finish',
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function goto(page: Page, path: string) {
  await page.goto(server.url + path);
}

async function open(path: string, options: { theme?: Theme; width?: number; token?: string } = {}) {
  const context = await newContext(browser, { theme: options.theme, width: options.width });
  if (options.token) await context.addInitScript((token) => localStorage.setItem('qlora.token', token), options.token);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await goto(page, path);
  return { page, errors, close: () => context.close() };
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

describe('the app', () => {
  it('loads the dashboard with a healthy server and no errors', async () => {
    const { page, errors, close } = await open('/');
    await heading(page, 'Dashboard').waitFor();
    await page.getByRole('button', { name: 'Server health: Healthy' }).waitFor();
    await page.getByText('Best matrix-multiply speed').waitFor();
    expect(await page.title()).toBe('Dashboard · QLoRA Studio');
    expect(errors).toEqual([]);
    await close();
  });

  it('serves client routes on reload (SPA fallback) and shows a not-found page for unknown ones', async () => {
    for (const path of ['/', '/activity', `/activity/jobs/${finishedJob.id}`, '/settings']) {
      const response = await fetch(server.url + path);
      expect(`${path} → ${response.status} ${response.headers.get('content-type')}`).toBe(`${path} → 200 text/html; charset=utf-8`);
      expect(await response.text()).toContain('<div id="root">');
    }
    const { page, close } = await open('/settings');
    await heading(page, 'Settings').waitFor();
    await page.goto(`${server.url}/no/such/page`);
    await heading(page, 'Page not found').waitFor();
    await close();
  });
});

/** The pages this file checks, each with text that shows it has loaded. */
const pages = () => [
  { name: 'Dashboard', path: '/', ready: 'Best matrix-multiply speed' },
  { name: 'Activity', path: '/activity', ready: 'Workspace activity' },
  { name: 'job detail', path: `/activity/jobs/${finishedJob.id}`, ready: 'Speed by thread count' },
  { name: 'Settings', path: '/settings', ready: 'Keyboard shortcuts' },
];

describe('accessibility (axe-core, WCAG 2.1 A and AA)', () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`has no violations on any page in the ${theme} theme`, async () => {
      const { page, close } = await open('/', { theme });
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      const report: string[] = [];
      for (const p of pages()) {
        await goto(page, p.path);
        await page.getByText(p.ready).first().waitFor();
        await page.waitForTimeout(300);
        const violations = await runAxe(page);
        if (violations.length) report.push(`${p.name}:\n${describeViolations(violations)}`);
      }
      // Overlays too: the command palette and the shortcut help.
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
      const palette = await runAxe(page);
      if (palette.length) report.push(`command palette:\n${describeViolations(palette)}`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      const shortcuts = await runAxe(page);
      if (shortcuts.length) report.push(`shortcut help:\n${describeViolations(shortcuts)}`);
      expect(report.join('\n\n')).toBe('');
      await close();
    });
  }
});

describe('keyboard', () => {
  it('reaches every sidebar item with Tab, follows a link with Enter, and runs a palette command', async () => {
    const { page, close } = await open('/settings');
    await heading(page, 'Settings').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return { text: el?.textContent?.trim() ?? '', href: el?.getAttribute('href') ?? null };
      });

    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Skip to main content');

    const reached = new Set<string>();
    for (let i = 0; i < 12 && reached.size < 3; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (f.href && ['/', '/activity', '/settings'].includes(f.href)) reached.add(f.text);
      if (f.text === 'Activity' && f.href === '/activity') {
        // Remember this spot: Enter on it must navigate.
        await page.evaluate(() => document.activeElement?.setAttribute('data-e2e-activity', ''));
      }
    }
    expect([...reached].sort()).toEqual(['Activity', 'Dashboard', 'Settings']);

    // Back to that link with Shift+Tab, then Enter follows it.
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.hasAttribute('data-e2e-activity'))); i++) {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await heading(page, 'Activity').waitFor();
    expect(new URL(page.url()).pathname).toBe('/activity');

    // Ctrl+K opens the palette; typing filters; Enter runs the command.
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    await page.keyboard.type('Go to Dashboard');
    await page.keyboard.press('Enter');
    await heading(page, 'Dashboard').waitFor();
    await palette.waitFor({ state: 'detached' });

    // The palette's button in the top bar is reachable with Tab and opens it with Enter too.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let onTrigger = false;
    for (let i = 0; i < 80 && !onTrigger; i++) {
      await page.keyboard.press('Tab');
      onTrigger = (await focused()).text.startsWith('Search and run commands');
    }
    expect(onTrigger).toBe(true);
    await page.keyboard.press('Enter');
    await palette.waitFor();
    await page.keyboard.type('Use dark theme');
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await close();
  });

  it('opens the shortcut list with ? and navigates with g-sequences', async () => {
    const { page, close } = await open('/');
    await heading(page, 'Dashboard').waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    for (const title of ['Go to Dashboard', 'Go to Activity', 'Go to Settings', 'Open the command palette', 'Show keyboard shortcuts']) {
      await dialog.getByText(title, { exact: true }).waitFor();
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await heading(page, 'Activity').waitFor();
    await close();
  });
});

describe('live updates', () => {
  it('shows a system check launched from the Dashboard running and finishing, without a reload', async () => {
    const { page, errors, close } = await open('/');
    await heading(page, 'Dashboard').waitFor();
    await page.evaluate(() => ((window as unknown as { e2eNoReload: boolean }).e2eNoReload = true));
    const card = page.getByRole('region', { name: 'System check' });
    await page.getByRole('button', { name: 'Run system check' }).first().click();
    // While it runs the card says so; then it shows the finished result.
    await card
      .getByText(/Queued|Running/)
      .first()
      .waitFor({ timeout: 20_000 });
    await card.getByText('Succeeded').waitFor({ timeout: 120_000 });
    await card.getByText('GFLOP/s').first().waitFor();
    await card.getByText('Speed by thread count').waitFor();
    expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);

    // The job's page replays its stored log.
    await card.getByRole('link', { name: /Details and log/ }).click();
    await heading(page, 'System check').waitFor();
    await page
      .getByRole('log')
      .getByText(/Best matrix-multiply speed/)
      .waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});

describe('themes and layout', () => {
  it('remembers the theme across reloads and applies it before the first paint', async () => {
    const { page, close } = await open('/settings');
    await heading(page, 'Settings').waitFor();
    await page.getByRole('radio', { name: /High contrast/ }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('high-contrast');
    // Record the theme as the document is parsed, before any app code runs.
    await page.context().addInitScript(() => {
      document.addEventListener('readystatechange', () => {
        if (document.readyState === 'interactive') (window as unknown as { firstTheme?: string }).firstTheme = document.documentElement.dataset.theme;
      });
    });
    await page.reload();
    await heading(page, 'Settings').waitFor();
    expect(await page.evaluate(() => (window as unknown as { firstTheme?: string }).firstTheme)).toBe('high-contrast');
    await close();
  });

  it('collapses the sidebar to icons below 1024px and turns it into a drawer below 768px', async () => {
    const tablet = await open('/', { width: 900 });
    await heading(tablet.page, 'Dashboard').waitFor();
    const nav = tablet.page.getByRole('navigation', { name: 'Main' });
    const box = await nav.boundingBox();
    expect(box!.width).toBeLessThan(100);
    await nav.getByRole('link', { name: 'Activity' }).click();
    await heading(tablet.page, 'Activity').waitFor();
    await tablet.close();

    const phone = await open('/', { width: 375 });
    await heading(phone.page, 'Dashboard').waitFor();
    expect(await phone.page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await phone.page.getByRole('button', { name: 'Open navigation' }).click();
    const drawer = phone.page.getByRole('dialog', { name: 'Navigation' });
    await drawer.getByRole('link', { name: 'Settings' }).click();
    await heading(phone.page, 'Settings').waitFor();
    await drawer.waitFor({ state: 'detached' });
    await phone.close();
  });

  it('fits a 375px phone screen without sideways scrolling on any page, long names and failed jobs included', async () => {
    // A name with no place to break (it once widened the activity feed, and the page, past the screen)
    // on a dataset whose fine-tune fails at once: nothing trains within 16 tokens.
    const longName = 'gsm8k_train_300_question_answer_pairs_fixed_version_final';
    const prompts = Array.from({ length: 2 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `${'Tell me more. '.repeat(20)}(${i})` },
          { role: 'assistant', content: 'No.' },
        ],
      }),
    );
    const upload = await fetch(`${server.url}/api/datasets/upload?fileName=${longName}.jsonl`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: prompts.join('\n'),
    });
    const dataset = (await upload.json()) as { id: string };
    const model = await apiFetch<{ id: string }>(server, 'POST', '/api/models/demo', {});
    const failing = await apiFetch<Job>(server, 'POST', '/api/jobs', {
      type: 'train',
      config: { modelId: model.id, datasetId: dataset.id, maxSteps: 2, seqLen: 16 },
    });
    await waitFor(
      async () => ((await apiFetch<Job>(server, 'GET', `/api/jobs/${failing.id}`)).status === 'failed' ? true : undefined),
      60_000,
      'the fine-tune to fail',
    );

    const { page, close } = await open('/activity', { width: 375 });
    const overflowing: string[] = [];
    const measure = async (what: string) => {
      await page.waitForTimeout(300);
      const overflow = await sidewaysOverflow(page);
      if (overflow > 0) overflowing.push(`${what}: ${overflow}px too wide`);
    };
    for (const path of ['/', '/activity', `/activity/jobs/${finishedJob.id}`, `/activity/jobs/${failing.id}`, '/settings', '/fine-tune', '/playground']) {
      await goto(page, path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (path === '/' || path === '/activity') await page.getByText(longName).first().waitFor();
      await measure(path);
    }
    await goto(page, '/activity');
    await page.getByRole('radio', { name: 'List' }).click();
    await page.locator(`li[data-job-id="${failing.id}"]`).waitFor();
    await measure('/activity, list view');
    await page.getByRole('radio', { name: 'Board' }).click();
    expect(overflowing).toEqual([]);
    await close();
  });

  it('at 768px, the rail shows every label whole and the top bar shows the role', async () => {
    const { page, close } = await open('/', { width: 768 });
    await heading(page, 'Dashboard').waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Playground' }).waitFor();
    const labels = await nav
      .locator('a > span:last-child')
      .evaluateAll((spans) => spans.map((s) => ({ text: s.textContent, cut: s.scrollWidth > s.clientWidth })));
    expect(labels.map((l) => l.text)).toEqual(expect.arrayContaining(['Dashboard', 'Fine-tune', 'Playground', 'Activity', 'Settings']));
    expect(labels.filter((l) => l.cut).map((l) => l.text)).toEqual([]);
    const role = page.getByText('ML Practitioner', { exact: true });
    const box = await role.boundingBox();
    expect(box, 'the role badge is shown').not.toBeNull();
    expect(box!.width).toBeGreaterThan(40); // the words, not a screen-reader-only pixel
    expect(box!.x + box!.width).toBeLessThanOrEqual(768 - 16);
    await close();
  });

  it('keeps every control at least 44px tall on every page', async () => {
    const { page, close } = await open('/');
    const report: string[] = [];
    for (const p of [
      ...pages(),
      { name: 'Fine-tune', path: '/fine-tune', ready: 'Choose a base model' },
      { name: 'Playground', path: '/playground', ready: 'Prompt' },
    ]) {
      await goto(page, p.path);
      await page.getByText(p.ready).first().waitFor();
      await page.waitForTimeout(300);
      const small = await smallControls(page);
      if (small.length) report.push(`${p.name}:\n  ${small.join('\n  ')}`);
    }
    expect(report.join('\n')).toBe('');
    await close();
  });
});

describe('roles', () => {
  it('shows a Team Member what they cannot do, and why', async () => {
    const token = createToken(server.home, 'member');
    const { page, close } = await open('/', { token });
    await heading(page, 'Dashboard').waitFor();
    const launch = page.getByRole('button', { name: 'Run system check' }).first();
    await expect.poll(() => launch.getAttribute('aria-disabled')).toBe('true');
    await page.goto(`${server.url}/settings`);
    await page.getByText('Read-only for you as a Team Member.').waitFor();
    expect(await page.getByRole('spinbutton', { name: 'Jobs at the same time' }).getAttribute('readonly')).not.toBeNull();
    // A file dropped where they may not upload is not silently ignored: the page says why.
    await page.goto(`${server.url}/fine-tune`);
    await page
      .getByText(/As a Team Member you can’t/)
      .first()
      .waitFor();
    await dropFile(page, 'Upload a dataset file', 'notes.txt', 'Some notes.', { whenEnabled: false });
    await page.getByText('notes.txt was not uploaded').waitFor();
    await close();
  });
});
