import { describe, expect, it } from 'vitest';
import { wrapLabel } from './chart-labels';

describe('wrapLabel', () => {
  it('breaks before the adapter, then at spaces to fit', () => {
    expect(wrapLabel('Tiny + My fine-tune', 40)).toEqual(['Tiny', '+ My fine-tune']);
    expect(wrapLabel('Demo llama (random weights)', 12)).toEqual(['Demo llama', '(random', 'weights)']);
  });

  it('cuts a word longer than a line (folder names have no spaces)', () => {
    expect(wrapLabel('M + adapter_abcdef/checkpoint-2', 10)).toEqual(['M', '+', 'adapter_ab', 'cdef/check', 'point-2']);
  });
});
