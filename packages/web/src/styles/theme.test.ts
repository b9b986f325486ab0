import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Pulls `--color-NAME: #hex` declarations out of one block of theme.css. */
function readBlock(css: string, opener: string): Record<string, string> {
  const start = css.indexOf(opener);
  if (start < 0) throw new Error(`theme.css has no block ${opener}`);
  const body = css.slice(start, css.indexOf('}', start));
  const vars: Record<string, string> = {};
  for (const m of body.matchAll(/--color-([a-z-]+):\s*(#[0-9a-f]{6})\s*;/gi)) vars[m[1]!] = m[2]!.toLowerCase();
  return vars;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2.1 contrast ratio of two opaque colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const css = readFileSync(new URL('./theme.css', import.meta.url), 'utf8');
const light = readBlock(css, '@theme');
const themes = {
  light,
  dark: { ...light, ...readBlock(css, "[data-theme='dark']") },
  'high-contrast': { ...light, ...readBlock(css, "[data-theme='high-contrast']") },
};

/** Text colour on background colour, as the components pair them. */
const textPairs: [string, string][] = [
  ['fg', 'canvas'],
  ['fg', 'surface'],
  ['fg', 'surface-muted'],
  ['fg-muted', 'canvas'],
  ['fg-muted', 'surface'],
  ['fg-muted', 'surface-muted'],
  ['primary-fg', 'primary'],
  ['primary-fg', 'primary-hover'],
  ['primary-text', 'canvas'],
  ['primary-text', 'surface'],
  ['primary-text', 'primary-soft'],
  ['primary-text', 'surface-muted'],
  ['fg', 'primary-soft'],
  ['secondary-fg', 'secondary'],
  ['success-text', 'surface'],
  ['success-text', 'success-soft'],
  ['success-text', 'canvas'],
  ['warning-text', 'surface'],
  ['warning-text', 'warning-soft'],
  ['danger-text', 'surface'],
  ['danger-text', 'danger-soft'],
  ['danger-text', 'canvas'],
  ['danger-fg', 'danger'],
  ['danger-fg', 'danger-hover'],
];
/** Controls, focus rings and status icons need 3:1 against what surrounds them (WCAG 1.4.11). */
const uiPairs: [string, string][] = [
  ['line-strong', 'surface'],
  ['line-strong', 'canvas'],
  ['ring', 'surface'],
  ['ring', 'canvas'],
  ['primary', 'surface'],
  ['success', 'surface'],
  ['warning', 'surface'],
  ['danger', 'surface'],
  ['secondary', 'surface'],
];

describe.each(Object.entries(themes))('%s theme', (_name, colors) => {
  it.each(textPairs)('%s text on %s has at least 4.5:1 contrast', (fg, bg) => {
    expect(colors[fg], `--color-${fg}`).toBeDefined();
    expect(colors[bg], `--color-${bg}`).toBeDefined();
    expect(contrast(colors[fg]!, colors[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
  it.each(uiPairs)('%s on %s has at least 3:1 contrast', (fg, bg) => {
    expect(contrast(colors[fg]!, colors[bg]!)).toBeGreaterThanOrEqual(3);
  });
});

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#1e40af', '#ffffff')).toBeCloseTo(8.72, 1);
  });
});
