import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const css = read('./index.css');

/** The body of the first rule after `opener`. */
function block(opener: string): string {
  const start = css.indexOf(opener);
  expect(start, `index.css has ${opener}`).toBeGreaterThanOrEqual(0);
  return css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
}

describe('user data is shown as written (no contextual alternates)', () => {
  it('literal-text turns off contextual alternates, which draw "0.2 x 50" as "0.2 × 50" in Inter', () => {
    expect(block('@utility literal-text')).toMatch(/font-variant-ligatures:\s*no-contextual|font-feature-settings:[^;]*'calt' 0/);
  });

  it('typed text and code are covered everywhere: textarea, pre, code', () => {
    const rule = /((?:[a-z]+,\s*)*[a-z]+)\s*\{\s*font-variant-ligatures:\s*no-contextual;/.exec(css);
    const selectors = rule?.[1]?.split(/,\s*/) ?? [];
    for (const tag of ['textarea', 'pre', 'code', 'samp']) expect(selectors).toContain(tag);
  });

  // The views that show records, samples, logs, prompts and replies; the masking preview is a <pre>.
  it.each([
    ['records preview', '../features/fine-tune/components/records-preview.tsx', 'aria-label={`Records,'],
    ['log viewer', '../components/jobs/log-viewer.tsx', 'font-mono text-[0.8125rem]'],
    ['Playground replies', '../features/playground/components/output-pane.tsx', '<div aria-busy={active}'],
    ['Playground run prompts', '../features/playground/components/session-runs.tsx', "{preview || '(empty prompt)'}"],
  ])('the %s uses literal-text', (_, file, marker) => {
    const source = read(file);
    const at = source.indexOf(marker);
    expect(at, `${file} still has ${marker}`).toBeGreaterThanOrEqual(0);
    const element = source.slice(source.lastIndexOf('<', at), source.indexOf('>', at) + 1);
    expect(element).toMatch(/className="[^"]*\bliteral-text\b/);
  });

  it('the masking preview shows its samples in a <pre>', () => {
    expect(read('../features/fine-tune/components/dataset-report.tsx')).toMatch(/<pre [^>]*>\s*\{s\.pieces\.map/);
  });
});
