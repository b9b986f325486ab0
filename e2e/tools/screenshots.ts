/**
 * Takes screenshots of every page at desktop, tablet and phone widths in each theme, for a
 * visual review. Usage: start a server, then
 *   npx tsx e2e/tools/screenshots.ts http://127.0.0.1:7860 /tmp/shots [jobId]
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, newContext, type Theme } from '../support/browser';

const [base = 'http://127.0.0.1:7860', outDir = '/tmp/shots', jobId] = process.argv.slice(2);
const widths = (process.env.WIDTHS ?? '1440,900,375').split(',').map(Number);
const themes = (process.env.THEMES ?? 'light,dark').split(',') as Theme[];
const pages: [string, string][] = [
  ['dashboard', '/'],
  ['activity', '/activity'],
  ['settings', '/settings'],
  ['fine-tune', '/fine-tune'],
  ['playground', '/playground'],
  ...(jobId ? ([['job', `/activity/jobs/${jobId}`]] as [string, string][]) : []),
];

fs.mkdirSync(outDir, { recursive: true });
const browser = await launchBrowser();
try {
  for (const theme of themes) {
    for (const width of widths) {
      const context = await newContext(browser, { width, height: 900, theme });
      const page = await context.newPage();
      for (const [name, url] of pages) {
        await page.goto(base + url);
        await page.waitForLoadState('load');
        await page.waitForTimeout(Number(process.env.WAIT ?? 1200));
        const file = path.join(outDir, `${name}-${width}-${theme}.png`);
        await page.screenshot({ path: file, fullPage: process.env.FULL !== '0' });
        console.log(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
