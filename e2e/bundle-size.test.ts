import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/server';

const dist = path.join(repoRoot, 'packages/web/dist');
const budgetBytes = 500 * 1024;

/** Chunks a module imports statically (`import … from "./x.js"` / `import "./x.js"` in the minified output). */
function staticImports(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:import|from)\s*["'](\.\/[^"']+\.js)["']/g)) found.add(path.join(path.dirname(file), m[1]!));
  return [...found];
}

/** Strings only Monaco's own code carries (a chunk that merely names the lazy `monaco-prompt-editor-*.js` file has none). */
const monacoMarkers = ['MonacoEnvironment', 'monaco-aria-container', 'editor.contrib.suggestController'];

/** Files index.html loads up front: its module entry, modulepreloads and stylesheets, with the entry's static imports. */
function upFrontFiles(html: string): string[] {
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => path.join(dist, m[1]!));
  const seen = new Set<string>();
  const queue = [...refs];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.js')) queue.push(...staticImports(file));
  }
  return [...seen];
}

describe('main bundle (spec §6: < 500 KB gzipped)', () => {
  const html = fs.existsSync(path.join(dist, 'index.html')) ? fs.readFileSync(path.join(dist, 'index.html'), 'utf8') : '';

  it('has been built', () => {
    expect(html, 'packages/web/dist/index.html is missing: run `npm run build` (npm test does)').not.toBe('');
  });

  it('keeps the entry chunk and everything it loads up front under 500 KB gzipped', () => {
    const entry = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
    expect(entry, 'no module entry script in dist/index.html').toBeDefined();
    const seen = new Set<string>();
    const queue = [path.join(dist, entry!)];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...staticImports(file));
    }
    const entryGzip = gzipSync(fs.readFileSync(path.join(dist, entry!))).length;
    const totalGzip = [...seen].reduce((sum, f) => sum + gzipSync(fs.readFileSync(f)).length, 0);
    console.log(
      `main bundle: entry ${(entryGzip / 1024).toFixed(1)} KB gzipped; with its ${seen.size - 1} static imports ${(totalGzip / 1024).toFixed(1)} KB gzipped`,
    );
    expect(entryGzip).toBeLessThan(budgetBytes);
    expect(totalGzip).toBeLessThan(budgetBytes);
  });

  it('loads the pages lazily rather than in the main bundle', () => {
    const lazy = fs.readdirSync(path.join(dist, 'assets')).filter((f) => /^(dashboard|activity|settings|job-detail)-page-.*\.js$/.test(f));
    expect(lazy.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps the Monaco editor out of everything loaded up front, in a lazy chunk of its own', () => {
    const upFront = upFrontFiles(html);
    expect(upFront.length).toBeGreaterThan(0);
    for (const file of upFront) {
      const code = fs.readFileSync(file, 'utf8');
      const found = monacoMarkers.filter((m) => code.includes(m));
      expect(found, `${path.relative(dist, file)} is loaded up front but holds Monaco code`).toEqual([]);
      // Monaco's stylesheet (.monaco-editor rules) belongs with it in the lazy CSS.
      if (file.endsWith('.css')) expect(code, `${path.relative(dist, file)} holds Monaco's styles`).not.toContain('.monaco-editor');
    }
    const assets = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js'));
    const lazy = assets.filter((f) => !upFront.includes(path.join(dist, 'assets', f)));
    const monacoChunks = lazy.filter((f) => {
      const code = fs.readFileSync(path.join(dist, 'assets', f), 'utf8');
      return monacoMarkers.every((m) => code.includes(m));
    });
    expect(monacoChunks, 'no lazy chunk holds the Monaco editor').toHaveLength(1);
    const gz = gzipSync(fs.readFileSync(path.join(dist, 'assets', monacoChunks[0]!))).length;
    console.log(`Monaco editor chunk ${monacoChunks[0]}: ${(gz / 1024).toFixed(1)} KB gzipped, loaded with the Playground's editor`);
    // The editor worker is bundled too (never fetched from a CDN).
    expect(assets.some((f) => /^editor\.worker-.*\.js$/.test(f))).toBe(true);
  });
});
