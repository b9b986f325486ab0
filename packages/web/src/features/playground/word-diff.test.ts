import { describe, expect, it } from 'vitest';
import { wordDiff } from './word-diff';

describe('wordDiff', () => {
  it('marks the words the other text adds and removes', () => {
    const segments = wordDiff('The cat sat on the mat', 'The dog sat on the mat today');
    expect(segments.map((s) => s.kind)).toContain('added');
    expect(segments.filter((s) => s.kind === 'removed').map((s) => s.text.trim())).toEqual(['cat']);
    expect(segments.filter((s) => s.kind === 'added').map((s) => s.text.trim())).toEqual(['dog', 'today']);
    // Reading only same + added gives the other text back.
    expect(
      segments
        .filter((s) => s.kind !== 'removed')
        .map((s) => s.text)
        .join(''),
    ).toBe('The dog sat on the mat today');
  });

  it('is one unchanged segment for equal texts', () => {
    expect(wordDiff('same words', 'same words')).toEqual([{ kind: 'same', text: 'same words' }]);
  });

  it('leaves text past the bound unmarked', () => {
    const segments = wordDiff('aaa', 'aaa bbb', 3);
    expect(segments).toEqual([{ kind: 'same', text: 'aaa bbb' }]);
  });
});
