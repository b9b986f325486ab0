import type { Dataset } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { datasetLabel, duplicateNameWarning } from './dataset-names';

const dataset = (id: string, name: string, version = 1, createdAt = '2026-01-05T14:02:00Z') => ({ id, name, createdAt, latest: { version } }) as Dataset;
const all = [dataset('a', 'gsm8k300', 4), dataset('b', 'GSM8K300 ', 1, '2026-01-06T09:00:00Z'), dataset('c', 'alpaca', 2)];

describe('telling datasets apart', () => {
  it('labels a dataset with its version, and its date when the name repeats', () => {
    expect(datasetLabel(all[2]!, all)).toBe('alpaca v2');
    expect(datasetLabel(all[0]!, all)).toMatch(/^gsm8k300 v4 \(added .+\)$/);
    expect(datasetLabel(all[0]!, all)).not.toBe(datasetLabel(all[1]!, all).replace('GSM8K300 ', 'gsm8k300'));
  });

  it('warns of a name another dataset has, without refusing it', () => {
    expect(duplicateNameWarning('alpaca', all)).toBe(
      'Another dataset is already named “alpaca”. Both keep working, but lists will tell them apart only by version and date.',
    );
    expect(duplicateNameWarning('gsm8k300', all, { upload: true })).toMatch(
      /^2 other datasets are already named “gsm8k300”\. This upload would be a separate dataset/,
    );
    // Renaming a dataset to its own name, or to a free one, is fine.
    expect(duplicateNameWarning('alpaca', all, { exceptId: 'c' })).toBeNull();
    expect(duplicateNameWarning('dolly', all)).toBeNull();
    expect(duplicateNameWarning('  ', all)).toBeNull();
  });
});
