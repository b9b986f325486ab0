/**
 * The job worker's code (src/jobs/worker/) runs in its own process: the server process never
 * imports it (it forks it by path), and it imports only the modules both sides share, so
 * neither process loads the other's code and no import cycle crosses the boundary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
const workerDir = path.join(src, 'jobs', 'worker');
/** What both processes use: the IPC protocols, failure wording, resolved job configs, the judge's HTTP client. */
const shared = ['protocol.ts', 'calibration-protocol.ts', 'failure.ts', 'train-config.ts', 'evaluate-config.ts', 'judge-client.ts'].map((f) =>
  path.join(src, 'jobs', f),
);

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The files a module imports by relative path (static and dynamic imports, `import type` included). */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

const inWorker = (file: string) => file.startsWith(workerDir + path.sep);

describe('process boundaries', () => {
  it('the server process imports nothing of the job worker', () => {
    const crossings = sourceFiles(src)
      .filter((f) => !inWorker(f))
      .flatMap((f) =>
        localImports(f)
          .filter(inWorker)
          .map((to) => `${path.relative(src, f)} → ${path.relative(src, to)}`),
      );
    expect(crossings).toEqual([]);
  });

  it('the job worker imports only modules shared by both processes', () => {
    const files = sourceFiles(workerDir);
    expect(files.length).toBeGreaterThan(0);
    const outside = files.flatMap((f) =>
      localImports(f)
        .filter((to) => !inWorker(to) && !shared.includes(to))
        .map((to) => `${path.relative(src, f)} → ${path.relative(src, to)}`),
    );
    expect(outside).toEqual([]);
  });

  it('the shared modules import neither side', () => {
    const crossings = shared.flatMap((f) =>
      localImports(f)
        .filter((to) => !shared.includes(to))
        .map((to) => `${path.relative(src, f)} → ${path.relative(src, to)}`),
    );
    expect(crossings).toEqual([]);
  });
});
