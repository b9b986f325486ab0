import { describe, expect, it } from 'vitest';
import { completionSpot } from './completion-spot';

describe('completionSpot', () => {
  it('offers variables right after {{ and replaces the partial name', () => {
    expect(completionSpot('Hello {{', '', false)).toEqual({ kind: 'variable', startColumn: 9, endColumn: 9 });
    expect(completionSpot('Hello {{na', '', false)).toEqual({ kind: 'variable', startColumn: 9, endColumn: 11 });
    expect(completionSpot('{{ na', ' rest', false)).toEqual({ kind: 'variable', startColumn: 4, endColumn: 6 });
  });

  it('replaces the rest of the name and an existing }} after the cursor', () => {
    // "{{na|me}} tail": the item replaces "name}}" so the closing braces are not doubled.
    expect(completionSpot('{{na', 'me}} tail', false)).toEqual({ kind: 'variable', startColumn: 3, endColumn: 9 });
  });

  it('does not offer variables after a closed {{name}}', () => {
    expect(completionSpot('Dear {{name}}', '', false)).toBeNull();
    expect(completionSpot('Dear {{name}} ', '', false)).toBeNull();
  });

  it('offers templates for the first word of a line', () => {
    expect(completionSpot('Summ', '', false)).toEqual({ kind: 'template', startColumn: 1, endColumn: 5 });
    expect(completionSpot('  few', '-shot', false)).toEqual({ kind: 'template', startColumn: 3, endColumn: 11 });
  });

  it('stays quiet mid-line and on an empty line unless asked', () => {
    expect(completionSpot('Write a po', '', false)).toBeNull();
    expect(completionSpot('', '', false)).toBeNull();
    expect(completionSpot('Write a po', '', true)).toEqual({ kind: 'template', startColumn: 9, endColumn: 11 });
    expect(completionSpot('', '', true)).toEqual({ kind: 'template', startColumn: 1, endColumn: 1 });
  });
});
