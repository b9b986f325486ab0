import { describe, expect, it } from 'vitest';
import { uploadUrl } from './upload-dataset';

describe('dataset upload URL', () => {
  it('puts the file name and optional name in the query of the right route', () => {
    expect(uploadUrl('my data.jsonl')).toBe('/api/datasets/upload?fileName=my+data.jsonl');
    expect(uploadUrl('a.csv', '  Q&A  ')).toBe('/api/datasets/upload?fileName=a.csv&name=Q%26A');
    expect(uploadUrl('fixed.jsonl', '', 'ds 1')).toBe('/api/datasets/ds%201/upload?fileName=fixed.jsonl');
  });
});
