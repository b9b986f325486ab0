/**
 * The Playground as a new user meets it: a small base model and an adapter fine-tuned on it
 * (to answer one question in Markdown), a templated chat prompt whose streamed reply renders
 * as Markdown, base and adapter side by side with a word diff, a vote and a note, the session
 * saved and reopened from the history. Seeded replies equal `qlora generate`. Keyboard only,
 * including leaving the editor with Escape then Tab, and axe in light and dark.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BaseModel, Job, PlaygroundCatalogue, PlaygroundSession } from '@qlora-studio/contracts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityReport, phoneReport } from './support/axe';
import { launchBrowser, newContext, watchErrors, type Theme } from './support/browser';
import { apiFetch, fineTune, repoRoot, startServer, uploadDataset, waitFor, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let model: BaseModel;
let adapterJob: Job;

const question = 'Describe the fruit: apple';
const answer = '## Apple\n\n- **Colour:** red\n- **Taste:** sweet';

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  model = await apiFetch<BaseModel>(server, 'POST', '/api/models/demo', { name: 'Tiny demo' });
  const rows = Array.from({ length: 6 }, () =>
    JSON.stringify({
      messages: [
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
      ],
    }),
  );
  const dataset = await uploadDataset(server, 'fruit.jsonl', rows.join('\n'));
  // Enough steps for the adapter to learn its one answer by heart.
  adapterJob = await fineTune(server, {
    modelId: model.id,
    datasetId: dataset.id,
    maxSteps: 300,
    learningRate: 5e-3,
    seqLen: 128,
    lora: { r: 16, alpha: 32, dropout: 0 },
  });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(url: string, theme: Theme = 'light') {
  const context = await newContext(browser, { theme });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url + url);
  await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
  return { page, errors, close: () => context.close() };
}

const output = (page: Page, name: RegExp) => page.getByRole('region', { name });
/** The pane of the current run (earlier runs' panes carry ", run N" in their names). */
const adapterPane = (page: Page) => output(page, /^Output of Tiny demo \+ fruit v1.*(?<!run \d+)$/);
const basePane = (page: Page) => output(page, /^Output of Tiny demo(?! \+)( \(pane \d\))?$/);

async function expectAccessible(page: Page, label: string) {
  expect(await accessibilityReport(page, label)).toBe('');
}

/** `qlora generate` in its own process, as a user would run it. */
async function qloraGenerate(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'packages/server/bin/qlora.js'), 'generate', ...args, '--json']);
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { text: string }).text;
}

describe('the Playground', () => {
  it('runs a templated chat prompt on an adapter, streams Markdown, compares with the base model, and saves and reopens the session', async () => {
    const { page, errors, close } = await open(`/playground?adapter=${adapterJob.id}`);
    const catalogue = await apiFetch<PlaygroundCatalogue>(server, 'GET', '/api/playground/models');
    const adapter = catalogue.adapters.find((a) => a.id === adapterJob.id)!;

    // The link from the fine-tune preselects its base model and adapter; the metadata shows what made it.
    await expect.poll(() => page.getByRole('combobox', { name: 'Model for pane 1' }).inputValue()).toBe(model.id);
    expect(await page.getByRole('combobox', { name: 'Adapter for pane 1' }).inputValue()).toBe(adapterJob.id);
    await page.getByRole('link', { name: adapter.title }).waitFor();
    await page.getByText('fruit (version 1)').waitFor();

    // A chat template from the gallery; its {{question}} is filled from the Variables form.
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('menuitem', { name: /Chat assistant/ }).click();
    await expect.poll(() => page.getByRole('radio', { name: 'Chat' }).isChecked()).toBe(true);
    await page.getByRole('textbox', { name: 'System prompt' }).fill(''); // the adapter learned without one
    await page.getByRole('textbox', { name: 'question', exact: true }).fill(question);
    await page.getByRole('radio', { name: 'Precise' }).click();
    await page.getByLabel('Max new tokens', { exact: true }).fill('40');
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    // The reply streams in and renders as Markdown: a heading, a list, bold text.
    const tuned = adapterPane(page);
    await tuned.getByRole('heading', { name: 'Apple', level: 2 }).waitFor({ timeout: 60_000 });
    await expect.poll(() => tuned.getByRole('listitem').count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => tuned.locator('strong').first().textContent()).toBe('Colour:');
    await tuned.getByText(/Stopped at the end-of-text token/).waitFor({ timeout: 30_000 });
    await tuned
      .getByText(/tokens\/s$/)
      .first()
      .waitFor();
    await tuned.getByText('Time to first token').waitFor();

    // Compare with the base model, sampled with a fixed seed.
    await page.getByRole('button', { name: 'Add model to compare' }).click();
    await page.getByRole('combobox', { name: 'Model for pane 2' }).selectOption(model.id);
    await page.getByRole('radio', { name: 'Balanced' }).click();
    await page.getByLabel('Seed', { exact: true }).fill('7');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const sessionId = new URL(page.url()).searchParams.get('session');
    expect(sessionId).toBeTruthy();
    const session = await waitFor(
      async () => {
        const s = await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${sessionId}`);
        return s.runs.length === 2 && s.runs[0]!.panes.every((p) => p.status === 'done') ? s : undefined;
      },
      60_000,
      'the compare run to finish',
    );
    const base = basePane(page);
    await base.getByText(/Done, \d+ tokens?\./).waitFor({ timeout: 30_000 });
    await page.getByRole('switch', { name: 'Diff against first' }).click();
    await expect.poll(() => base.locator('ins, del').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expectAccessible(page, 'compare with diff (light)');

    // Seeded replies equal `qlora generate` with the same settings.
    const [latest] = session.runs;
    const chatFile = path.join(server.home, 'chat.json');
    fs.writeFileSync(chatFile, JSON.stringify([{ role: 'user', content: question }]));
    const flags = [
      '--model',
      model.path,
      '--chat',
      chatFile,
      '--temperature',
      '0.7',
      '--top-p',
      '0.9',
      '--top-k',
      '40',
      '--repetition-penalty',
      '1.1',
      '--seed',
      '7',
      '--max-new-tokens',
      '40',
    ];
    const [tunedText, baseText] = [latest!.panes[0]!.text, latest!.panes[1]!.text];
    expect(tunedText.length * baseText.length).toBeGreaterThan(0);
    expect(tunedText).toBe(await qloraGenerate([...flags, '--adapter', adapter.path]));
    expect(baseText).toBe(await qloraGenerate(flags));

    // A vote and a note on the adapter's reply; a title; then save.
    await tuned.getByRole('button', { name: 'Vote up' }).click();
    await expect.poll(() => tuned.getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')).toBe('true');
    await tuned.getByRole('textbox', { name: /^Note for/ }).fill('Follows the trained format');
    await tuned.getByRole('textbox', { name: /^Note for/ }).blur();
    await page.getByRole('textbox', { name: 'Session title' }).fill('Fruit check');
    await page.getByRole('button', { name: 'Save session' }).click();
    await expect.poll(async () => (await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${session.id}`)).title).toBe('Fruit check');
    await expect
      .poll(async () => (await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${session.id}`)).runs[0]!.panes[0]!.note)
      .toBe('Follows the trained format');

    // Reopen it from the history on a fresh page.
    await page.goto(`${server.url}/playground`);
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.getByRole('searchbox', { name: 'Search sessions' }).fill('fruit');
    await history.getByRole('button', { name: 'Open Fruit check' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Session title' }).inputValue()).toBe('Fruit check');
    // The session's runs are listed newest first: the compare run open, with its vote; the first one folded.
    const reopened = (run: number) => output(page, new RegExp(`^Output of Tiny demo \\+ fruit v1.*, run ${run}$`));
    await reopened(2).waitFor();
    expect(await reopened(2).getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')).toBe('true');
    expect(
      await reopened(2)
        .getByRole('textbox', { name: /^Note for/ })
        .inputValue(),
    ).toBe('Follows the trained format');
    await page.locator('li > details > summary').filter({ hasNotText: ' vs ' }).click(); // the first run had one pane
    await reopened(1).getByRole('heading', { name: 'Apple', level: 2 }).waitFor();
    expect(await page.getByRole('textbox', { name: 'question', exact: true }).inputValue()).toBe(question);

    // Export it as JSON, and import the file back: the copy opens with the same runs, votes and notes.
    await page.getByRole('button', { name: 'History' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), history.getByRole('button', { name: 'Export Fruit check' }).click()]);
    const exported = fs.readFileSync((await download.path())!, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ format: 'qlora-studio.playground-session', session: { title: 'Fruit check' } });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), history.getByRole('button', { name: 'Import session' }).click()]);
    await chooser.setFiles({ name: 'fruit.playground.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect.poll(() => new URL(page.url()).searchParams.get('session'), { timeout: 10_000 }).not.toBe(session.id);
    await expect.poll(() => page.getByRole('textbox', { name: 'Session title' }).inputValue()).toBe('Fruit check');
    await expect.poll(() => reopened(2).getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')).toBe('true');

    await expectAccessible(page, 'reopened session (light)');
    expect(errors).toEqual([]);
    await close();

    // The same session by its address, in the dark theme.
    const dark = await open(`/playground?session=${session.id}`, 'dark');
    await dark.page
      .getByRole('region', { name: /, run 2$/ })
      .first()
      .getByText(/Done, \d+ tokens?\./)
      .waitFor();
    await expectAccessible(dark.page, 'session by its address (dark)');
    // On a phone, the compared panes stack and nothing scrolls sideways.
    expect(await phoneReport(dark.page, 'session (dark)')).toBe('');
    expect(dark.errors).toEqual([]);
    await dark.close();
  }, 240_000);

  it('shows history a page at a time, and keeps unsaved edits when another session opens', async () => {
    for (let i = 1; i <= 55; i++) await apiFetch(server, 'POST', '/api/playground/sessions', { title: `Batch ${i}` });
    const { page, errors, close } = await open('/playground');
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.getByRole('searchbox', { name: 'Search sessions' }).fill('batch');
    const items = history.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
    await history.getByRole('status').filter({ hasText: '50 or more sessions match “batch”' }).waitFor();
    expect(await items.count()).toBe(50);
    await history.getByRole('button', { name: 'Show older sessions' }).click();
    await history.getByRole('status').filter({ hasText: '55 sessions match “batch”' }).waitFor();
    expect(await items.count()).toBe(55);
    expect(await history.getByRole('button', { name: 'Show older sessions' }).count()).toBe(0);
    // Ctrl+Enter in the drawer's search does not run the (empty) prompt behind it.
    await history.getByRole('searchbox', { name: 'Search sessions' }).press('Control+Enter');
    await page.waitForTimeout(300);
    expect(await page.getByText(/^Fix (this|these \d+ things) to run$/).count()).toBe(0);
    await history.getByRole('button', { name: 'Open Batch 1', exact: true }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Session title' }).inputValue()).toBe('Batch 1');

    // Edits are not lost on opening another session: they are kept in the session they were made in.
    const editor = page.getByRole('textbox', { name: 'Prompt', exact: true });
    await editor.waitFor({ timeout: 30_000 });
    await editor.focus();
    await page.keyboard.type('A draft worth keeping');
    await page.getByRole('button', { name: 'History' }).click();
    await history.getByRole('button', { name: 'Open Batch 2', exact: true }).click();
    await page.getByText('Kept your edits in “Batch 1”').waitFor();
    const batch1 = new URL(page.url());
    expect(batch1.searchParams.get('session')).not.toBeNull();
    const sessions = await apiFetch<{ sessions: { id: string; title: string }[] }>(server, 'GET', '/api/playground/sessions?q=batch&limit=100');
    const stored = await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${sessions.sessions.find((x) => x.title === 'Batch 1')!.id}`);
    expect(stored.draft?.prompt).toMatchObject({ mode: 'text', template: 'A draft worth keeping' });
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps a prompt not yet run across a visit to another page and a reload', async () => {
    const { page, errors, close } = await open('/playground');
    const editor = page.getByRole('textbox', { name: 'Prompt', exact: true });
    // What the editor shows (Monaco draws spaces as no-break spaces).
    const shown = async () => ((await page.locator('[data-prompt-editor] .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await editor.waitFor({ timeout: 30_000 });
    await editor.focus();
    await page.keyboard.type('Half a thought');
    // Another page and back, at once: nothing was run or saved, yet the prompt is still there.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    await page.goBack();
    await expect.poll(shown, { timeout: 30_000 }).toContain('Half a thought');

    // In a session of yours, edits survive a reload, with Undo back to what the session stored.
    await page.getByRole('textbox', { name: 'Session title' }).fill('Thoughts');
    await page.getByRole('button', { name: 'Save session' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).not.toBeNull();
    await editor.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(', finished');
    const keptInBrowser = () => page.evaluate(() => localStorage.getItem('qlora.playground.unsaved-draft') ?? '');
    await expect.poll(keptInBrowser).toContain('finished');
    await page.reload();
    await page.getByText('Restored your unsaved edits to this session').waitFor({ timeout: 30_000 });
    await expect.poll(shown).toContain('Half a thought, finished');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(shown).not.toContain('finished');

    // A prompt begun with no session open is kept while another session is open, and New session brings it back.
    await page.getByRole('button', { name: 'New session' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toBeNull();
    await expect.poll(shown).toBe('');
    await editor.focus();
    await page.keyboard.type('Side note');
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.getByRole('button', { name: 'Open Thoughts', exact: true }).click();
    await page.getByText('Your unsaved prompt is kept').waitFor();
    await expect.poll(shown).toContain('Half a thought');
    await page.getByRole('button', { name: 'New session' }).click();
    await expect.poll(shown).toBe('Side note');
    expect(errors).toEqual([]);
    await close();
  });

  it('works from the keyboard alone: reach the editor, type, run with Ctrl+Enter, and leave with Escape then Tab', async () => {
    const { page, errors, close } = await open('/playground', 'dark');
    await expect.poll(() => page.getByRole('combobox', { name: 'Model for pane 1' }).inputValue()).toBe(model.id);
    const editor = page.getByRole('textbox', { name: 'Prompt', exact: true });
    await editor.waitFor({ timeout: 30_000 });
    // The editor is described by how to leave it, from the start.
    const described = (await editor.getAttribute('aria-describedby')) ?? '';
    expect(
      await page.evaluate(
        (ids) =>
          ids
            .split(' ')
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(' '),
        described,
      ),
    ).toMatch(/Esc then Tab to leave the editor/);
    const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
    const inEditor = () => page.evaluate(() => !!document.activeElement?.closest('.monaco-editor'));

    // Tab from the top of the page until the editor has focus.
    for (let i = 0; i < 80 && !(await inEditor()); i++) await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('Prompt');
    // Running an empty prompt marks the editor invalid and keeps focus in it.
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => editor.getAttribute('aria-invalid')).toBe('true');
    expect(await inEditor()).toBe(true);
    // Typed at once and run at once: a quick second press runs (it is not taken for a repeat of the first).
    await page.keyboard.insertText('Once upon a time');
    await page.keyboard.press('Control+Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /^Done, \d+ tokens?$/ })
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => editor.getAttribute('aria-invalid')).toBeNull();
    // One press, one run (the editor and the page both hear Ctrl+Enter).
    const sessionId = new URL(page.url()).searchParams.get('session')!;
    expect((await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${sessionId}`)).runs).toHaveLength(1);
    // Holding Ctrl+Enter runs once: the key's repeats do not start another run as each one ends.
    const runs = async () => (await apiFetch<PlaygroundSession>(server, 'GET', `/api/playground/sessions/${sessionId}`)).runs;
    const allEnded = async () => (await runs()).every((r) => r.panes.every((p) => p.status !== 'queued' && p.status !== 'running'));
    /** Waits for the page to offer Run again (as a user would see), then for `count` runs; says what the page showed if they never come. */
    const expectRuns = async (count: number) => {
      try {
        await expect.poll(async () => (await runs()).length).toBe(count);
      } catch (error) {
        const shown = await page.evaluate(() => ({
          focus: document.activeElement?.outerHTML.slice(0, 120),
          toasts: [...document.querySelectorAll('[data-sonner-toast]')].map((t) => t.textContent),
        }));
        throw new Error(`${count} runs expected; the page showed ${JSON.stringify({ ...shown, statuses: await page.getByRole('status').allTextContents() })}`, {
          cause: error,
        });
      }
      await expect.poll(allEnded, { timeout: 60_000 }).toBe(true);
    };
    const runButton = page.getByRole('button', { name: 'Run', exact: true });
    await expect.poll(() => runButton.getAttribute('aria-disabled')).toBeNull();
    expect(await inEditor()).toBe(true);
    await page.keyboard.down('Control');
    await page.keyboard.down('Enter');
    await expectRuns(2);
    await expect.poll(() => runButton.getAttribute('aria-disabled')).toBeNull();
    for (let i = 0; i < 3; i++) await page.keyboard.down('Enter'); // repeats, as a held key sends
    await page.keyboard.up('Enter');
    await page.keyboard.up('Control');
    await page.waitForTimeout(500);
    expect(await runs()).toHaveLength(2);
    // Ctrl+Enter runs from any control of the page, a preset's radio button among them.
    await page.getByRole('radio', { name: 'Precise' }).focus();
    await page.keyboard.press('Control+Enter');
    await expectRuns(3);
    await editor.focus();
    // Tab inside the editor stays inside it (it indents).
    await page.keyboard.press('Tab');
    expect(await inEditor()).toBe(true);

    // Escape, then Tab: focus moves to the next control after the editor.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await inEditor()).toBe(false);
    // Shift+Tab goes back in, and Escape then Shift+Tab leaves backwards.
    await page.keyboard.press('Shift+Tab');
    expect(await inEditor()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    expect(await inEditor()).toBe(false);
    // Removing a pane from the keyboard leaves focus on Add model to compare, not on the page body.
    await page.getByRole('button', { name: 'Add model to compare' }).press('Enter');
    await page.getByRole('button', { name: 'Remove model from pane 2' }).press('Enter');
    await expect.poll(focusedLabel).toMatch(/Add model to compare/);
    await expectAccessible(page, 'after keyboard use (dark)');
    expect(errors).toEqual([]);
    await close();
  }, 120_000);
});
