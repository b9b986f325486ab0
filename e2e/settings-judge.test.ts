/**
 * Settings → Connections in a browser, as a user sets up a judge: fill the endpoint form with the
 * keyboard, save, test the connection against a small OpenAI-compatible server started here (it
 * stands in for the external judge), see the reply and latency, then a failing endpoint's error
 * with what to do, and remove the key. No axe violations in light and dark, none at 375 px.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityReport, phoneReport } from './support/axe';
import { launchBrowser, newContext, watchErrors, type Theme } from './support/browser';
import { freePort, startServer, type RunningServer } from './support/server';

let server: RunningServer;
let browser: Browser;
let judge: http.Server;
let judgeUrl: string;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  judge = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      authorizations.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'ready' } }] }));
    });
  });
  await new Promise<void>((resolve) => judge.listen(0, '127.0.0.1', resolve));
  judgeUrl = `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1`;
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => judge?.close(resolve));
});

async function openSettings(theme: Theme = 'light'): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await newContext(browser, { theme });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/settings#connections`);
  await page.getByRole('heading', { name: 'Connections' }).waitFor();
  return { page, errors, close: () => context.close() };
}

describe('Settings → Connections: the judge endpoint', () => {
  it('is set up with the keyboard, tested, and its key removed', async () => {
    const { page, errors, close } = await openSettings();
    const section = page.locator('#connections');
    await section.getByText('Judge benchmarks on the Evaluation page send each answer and your rubric to this endpoint').waitFor();
    await section.getByLabel('Base URL').focus();
    await page.keyboard.type(judgeUrl);
    await page.keyboard.press('Tab');
    await page.keyboard.type('judge-model');
    await page.keyboard.press('Tab');
    await page.keyboard.type('sk-e2e-secret');
    await page.keyboard.press('Enter'); // submits the form: Save
    await section.getByText('set', { exact: true }).waitFor();
    expect(await section.getByLabel(/API key/).inputValue()).toBe('');

    await section.getByRole('button', { name: 'Test connection' }).click();
    await section.getByText(/The judge answered in \d+/).waitFor();
    await section.getByText('ready').waitFor();
    expect(authorizations.at(-1)).toBe('Bearer sk-e2e-secret');
    expect(await accessibilityReport(page, 'connections, tested (light)')).toBe('');
    expect(await phoneReport(page, 'connections, tested (375 px)')).toBe('');

    // An endpoint that is down: the error and what to do, in place.
    await section.getByLabel('Base URL').fill(`http://127.0.0.1:${await freePort()}/v1`);
    await section.getByRole('button', { name: 'Save and test connection' }).click();
    await section.getByText('The judge could not be reached').waitFor();
    await section.getByText(/the connection was refused/).waitFor();
    await section.getByText(/What to do:/).waitFor();
    // Moving to another server dropped the key (it is never sent where the user did not give it).
    await section.getByText('not set', { exact: true }).waitFor();

    await section.getByLabel('Base URL').fill(judgeUrl);
    await section.getByLabel(/API key/).fill('sk-again');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await section.getByRole('button', { name: 'Remove key' }).click();
    await section.getByText('not set', { exact: true }).waitFor();
    expect(errors.filter((e) => !e.includes('502'))).toEqual([]);
    await close();
  });

  it('has no accessibility violations in the dark theme', async () => {
    const { page, close } = await openSettings('dark');
    await page.locator('#connections').getByLabel('Base URL').waitFor();
    expect(await accessibilityReport(page, 'connections (dark)')).toBe('');
    await close();
  });
});
