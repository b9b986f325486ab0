import { describe, expect, it } from 'vitest';
import { readSessionFile } from './import-session';

const valid = {
  format: 'qlora-studio.playground-session',
  version: 1,
  exportedAt: '2026-11-26T10:00:00.000Z',
  session: { title: 'Haiku tests', draft: null, runs: [] },
};

describe('readSessionFile', () => {
  it('reads a Playground session export', async () => {
    const file = new File([JSON.stringify(valid)], 'haiku.json', { type: 'application/json' });
    await expect(readSessionFile(file)).resolves.toMatchObject({ session: { title: 'Haiku tests' } });
  });

  it('says when the file is not JSON', async () => {
    await expect(readSessionFile(new File(['{nope'], 'notes.txt'))).rejects.toThrow('“notes.txt” is not JSON.');
  });

  it('says when the JSON is something else', async () => {
    const other = new File([JSON.stringify({ ...valid, format: 'other' })], 'other.json');
    await expect(readSessionFile(other)).rejects.toThrow(/“other.json” is not a Playground session export/);
  });
});
