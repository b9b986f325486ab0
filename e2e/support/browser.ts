import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; DESIGN.md → Testing. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A fresh context whose pages start with the given stored preferences (theme etc.). */
export async function newContext(
  browser: Browser,
  options: { width?: number; height?: number; theme?: Theme; reducedMotion?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    reducedMotion: options.reducedMotion === false ? 'no-preference' : 'reduce',
  });
  if (options.theme) {
    const prefs = JSON.stringify({ theme: options.theme });
    await context.addInitScript((value) => {
      if (!sessionStorage.getItem('e2e-prefs-set')) {
        localStorage.setItem('qlora.preferences', value);
        sessionStorage.setItem('e2e-prefs-set', '1');
      }
    }, prefs);
  }
  return context;
}

/** Collects uncaught page errors and console errors, to assert a page ran cleanly. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
