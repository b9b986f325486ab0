/**
 * Datasets on the Fine-tune page as a new user meets them: every file format dropped on the
 * page and recognised, a broken file explained line by line and fixed with a new version, and
 * a Hub import that cannot reach the Hub failing with the reason.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, runAxe } from './support/axe';
import { launchBrowser, newContext } from './support/browser';
import { dropFile } from './support/files';
import { freePort, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // A Hub address where nothing listens: the import must fail the way it does offline.
  const closedPort = await freePort();
  [server, browser] = await Promise.all([startServer({ env: { HF_ENDPOINT: `http://127.0.0.1:${closedPort}` } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const ZONE = 'Upload a dataset file';

/** The stored datasets table's row of a dataset. */
const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) });

const chat = (q: string, a: string) => ({
  messages: [
    { role: 'user', content: q },
    { role: 'assistant', content: a },
  ],
});

describe('datasets on the Fine-tune page', () => {
  it('recognises every format dropped on the page', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/fine-tune`);
    await page.getByRole('heading', { level: 1, name: 'Fine-tune' }).waitFor();

    const parquet = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'prompt', data: ['Say hi.', 'Say bye.'], type: 'STRING' },
          { name: 'completion', data: ['Hi!', 'Bye!'], type: 'STRING' },
        ],
      }),
    );
    const files: [string, string | Uint8Array, RegExp][] = [
      [
        'alpaca.json',
        JSON.stringify([
          { instruction: 'Add 2 and 2.', input: '', output: '4' },
          { instruction: 'Name a colour.', output: 'Blue.' },
        ]),
        /Alpaca .* · JSON/,
      ],
      [
        'sharegpt.json',
        JSON.stringify([
          {
            conversations: [
              { from: 'human', value: 'Hi' },
              { from: 'gpt', value: 'Hello!' },
            ],
          },
        ]),
        /ShareGPT .* · JSON/,
      ],
      ['chats.jsonl', `${JSON.stringify(chat('Hi', 'Hello'))}\n${JSON.stringify(chat('Bye', 'Goodbye'))}\n`, /OpenAI messages · JSONL/],
      ['qa.csv', 'prompt,completion\n"What is 1+1?",2\n"Capital of France?",Paris\n', /Prompt \/ completion · CSV/],
      ['notes.tsv', 'text\nFirst note.\nSecond note.\n', /Raw text · TSV/],
      ['pairs.parquet', parquet, /Prompt \/ completion · PARQUET/],
      ['stories.txt', 'Once upon a time.\n\nThe end came soon.\n', /Raw text · TXT/],
    ];
    for (const [name, content, format] of files) {
      await dropFile(page, ZONE, name, content);
      const stem = name.replace(/\.[^.]+$/, '');
      await row(page, stem).waitFor({ timeout: 30_000 });
      expect(await row(page, stem).textContent(), name).toMatch(format);
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('explains a broken file line by line, and a fixed version replaces it', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    await page.goto(`${server.url}/fine-tune`);
    const broken = [
      JSON.stringify(chat('Hi', 'Hello')),
      '{"messages": [{"role": "user", "content": "Hi"}',
      JSON.stringify({ messages: [{ role: 'user', content: 'No answer' }] }),
    ].join('\n');
    await dropFile(page, ZONE, 'broken.jsonl', broken);
    await page.getByRole('heading', { name: /^Validation report: broken/ }).waitFor({ timeout: 30_000 });
    const problems = page.getByRole('list', { name: 'Problems found in the dataset, by kind' });
    await problems.getByText('Line 2', { exact: true }).waitFor();
    expect(await problems.textContent()).toMatch(/assistant.*Line 3/s);

    // Upload a fixed version of the same dataset.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload a fixed version of broken' }).click();
    const fixed = [chat('Hi', 'Hello'), chat('Hi again', 'Hello again'), chat('No answer', 'Now there is one.')].map((c) => JSON.stringify(c)).join('\n');
    await (await chooser).setFiles({ name: 'broken-fixed.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(fixed) });
    await page.getByRole('heading', { name: /^Validation report: broken v2/ }).waitFor({ timeout: 30_000 });
    expect(await row(page, 'broken').textContent()).toMatch(/v2/);
    await context.close();
  });

  it('previews a large dataset in a virtualized list, and jumps to any record', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    await page.goto(`${server.url}/fine-tune`);
    const big = Array.from({ length: 1500 }, (_, i) => JSON.stringify(chat(`Question ${i + 1}?`, i === 0 ? 'It is 0.2 x 50 = 10.' : `Answer ${i + 1}.`))).join(
      '\n',
    );
    await dropFile(page, ZONE, 'many.jsonl', big);
    await page.getByRole('heading', { name: /^Validation report: many/ }).waitFor({ timeout: 60_000 });
    await page.getByText('Records preview', { exact: true }).click();
    const list = page.getByRole('region', { name: 'Records, 1,500 in all' });
    await list.getByText('Record 1', { exact: true }).waitFor();
    expect(await list.getByRole('listitem').count()).toBeLessThan(40); // only what is in view
    // Shown as written: Inter's contextual alternates would draw the x between numbers as ×.
    const times = list.getByText('It is 0.2 x 50 = 10.');
    expect(await times.evaluate((el) => getComputedStyle(el).fontVariantLigatures)).toBe('no-contextual');
    await page.getByRole('spinbutton', { name: 'Go to record' }).fill('1234');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await list.getByText('Question 1234?').waitFor({ timeout: 15_000 });
    expect(await list.getByRole('listitem').count()).toBeLessThan(40);
    await context.close();
  });

  it('says why a Hub import failed when the Hub cannot be reached', async () => {
    const context = await newContext(browser, { theme: 'light' });
    const page = await context.newPage();
    await page.goto(`${server.url}/fine-tune`);
    await page.getByRole('button', { name: 'Import from the Hub' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a dataset from the Hugging Face Hub' });
    await dialog.waitFor();
    await page.waitForTimeout(300); // the dialog's opening animation
    expect(describeViolations(await runAxe(page))).toBe('');
    await dialog.getByRole('textbox', { name: 'Dataset id' }).fill('../etc');
    await dialog.getByRole('button', { name: 'Download' }).click();
    await dialog.getByText(/Give a Hub dataset id as owner\/name/).waitFor();
    await dialog.getByRole('textbox', { name: 'Dataset id' }).fill('tatsu-lab/alpaca');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const downloads = page.getByRole('list', { name: 'Dataset imports' });
    await downloads.getByText('tatsu-lab/alpaca').waitFor({ timeout: 30_000 });
    await downloads.getByText(/Cannot reach the Hub/).waitFor({ timeout: 60_000 });
    // A failed download has stopped: no "Working…" and no moving bar, before and after a reload.
    for (const reload of [false, true]) {
      if (reload) {
        await page.reload();
        await downloads.getByText(/Cannot reach the Hub/).waitFor();
      }
      expect(await downloads.textContent()).not.toContain('Working…');
      expect(await downloads.textContent()).toContain('Failed');
      expect(await downloads.getByRole('progressbar').getAttribute('data-state')).not.toBe('indeterminate');
    }
    await context.close();
  });
});
