import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { sidewaysOverflow, smallControls } from './targets';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core's WCAG 2.0/2.1 A and AA rules on the page; returns the violations. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** Readable summary of violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/**
 * What a page state gets wrong for accessibility, as text for an assertion ('' when nothing):
 * axe's violations and controls under 44px tall (spec §5). Waits a moment for transitions to end.
 */
export async function accessibilityReport(page: Page, label: string): Promise<string> {
  await page.waitForTimeout(300);
  const found: string[] = [];
  const violations = await runAxe(page);
  if (violations.length) found.push(describeViolations(violations));
  const small = await smallControls(page);
  if (small.length) found.push(`under 44px tall:\n  ${small.join('\n  ')}`);
  return found.length ? `${label}:\n${found.join('\n')}` : '';
}

/**
 * `accessibilityReport` at a 375px phone width, adding any sideways scrolling; the viewport
 * goes back to its size before. Parts of the layout (the sidebar) follow the width a render
 * later, so the overflow is given a few seconds to settle.
 */
export async function phoneReport(page: Page, label: string): Promise<string> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  try {
    let overflow = await sidewaysOverflow(page);
    for (let waited = 0; overflow > 0 && waited < 5000; waited += 100) {
      await page.waitForTimeout(100);
      overflow = await sidewaysOverflow(page);
    }
    const report = await accessibilityReport(page, `${label} (375px wide)`);
    // Measured again after the report's pause, for layout that a later render widens.
    overflow = Math.max(overflow, await sidewaysOverflow(page));
    const sideways = overflow > 0 ? `${label} (375px wide): scrolls ${overflow}px sideways` : '';
    return [sideways, report].filter(Boolean).join('\n');
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
