/**
 * The package's entry points: the main entry is the server's API (exactly the names the server
 * and e2e import from it), and tests, benchmarks and labs reach internals through subpaths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Names in `{ a, type B, c as d }` (the exported or imported name, not the local alias). */
function braceNames(list: string): string[] {
  return list
    .split(',')
    .map((n) => n.trim().replace(/^type\s+/, ''))
    .filter((n) => n !== '')
    .map((n) => n.split(/\s+as\s+/)[0]!.trim());
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.split(path.sep).includes('node_modules'));
}

/** Names imported (or re-exported) from `@qlora-studio/engine` itself by the server and e2e. */
function namesUsedOutside(): Set<string> {
  const files = [...['src', 'bench', 'test', 'bin'].flatMap((d) => sourceFiles(path.join(repo, 'packages/server', d))), ...sourceFiles(path.join(repo, 'e2e'))];
  const names = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    expect(text, `${file} imports the main entry as a namespace; import names instead`).not.toMatch(/\*\s+as\s+\w+\s+from\s+'@qlora-studio\/engine'/);
    for (const m of text.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@qlora-studio\/engine'/g))
      for (const n of braceNames(m[1]!)) names.add(n);
  }
  return names;
}

/** Names the main entry exports, read from its source so types count too. */
function mainEntryNames(): Set<string> {
  const text = fs.readFileSync(path.join(repo, 'packages/engine/src/index.ts'), 'utf8');
  expect(text, 'the main entry names what it exports').not.toMatch(/export\s+\*/);
  const names = new Set<string>();
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'[^']+'/g)) for (const n of braceNames(m[1]!)) names.add(n);
  return names;
}

describe('engine entry points', () => {
  it('the main entry exports exactly what the server and e2e import from it', () => {
    expect([...mainEntryNames()].sort()).toEqual([...namesUsedOutside()].sort());
  });

  it('the main entry and every subpath resolve by package name', async () => {
    const main = await import('@qlora-studio/engine');
    expect(typeof main.trainLora).toBe('function');
    expect('LoraTrainer' in main).toBe(false);
    const model = await import('@qlora-studio/engine/model');
    expect(typeof model.loadCausalLM).toBe('function');
    expect(typeof model.packLora).toBe('function');
    const onnx = await import('@qlora-studio/engine/onnx');
    expect(typeof onnx.GraphBuilder).toBe('function');
    const quant = await import('@qlora-studio/engine/quant');
    expect(typeof quant.quantizeNf4).toBe('function');
    const reference = await import('@qlora-studio/engine/reference');
    expect(typeof reference.referenceForward).toBe('function');
    expect(typeof reference.mergedLoraWeights).toBe('function');
    const train = await import('@qlora-studio/engine/train');
    expect(typeof train.LoraTrainer).toBe('function');
    expect(train.IGNORE_INDEX).toBe(-100);
  });
});
