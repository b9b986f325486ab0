import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/util/atomic-write.js';

const dirs: string[] = [];
function home(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-atomic-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temp file', () => {
    const dir = home();
    const file = path.join(dir, 'nested', 'a.json');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new content');
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.json']);
  });

  it('keeps the old content when the write fails', () => {
    const dir = home();
    const target = path.join(dir, 'target');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(target, 'data')).toThrow();
    expect(fs.statSync(target).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['target']);
  });
});
