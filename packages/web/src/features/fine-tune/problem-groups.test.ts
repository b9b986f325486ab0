import type { DatasetProblem } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { describeLocations, groupProblems } from './problem-groups';

const problem = (record: number, over: Partial<DatasetProblem> = {}): DatasetProblem => ({
  kind: 'no-trained-tokens',
  record,
  location: `line ${record + 1}`,
  message: 'the model has no chat template.',
  severity: 'error',
  ...over,
});

describe('grouping dataset problems', () => {
  it('shows one message that 300 records share once, with its count', () => {
    const groups = groupProblems(Array.from({ length: 300 }, (_, i) => problem(i)));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ message: 'the model has no chat template.', varies: false, severity: 'error' });
    expect(groups[0]!.problems).toHaveLength(300);
  });

  it('groups the same problem on different records although the message names other lines or fields', () => {
    const groups = groupProblems([
      problem(4, { kind: 'duplicate', message: 'an exact duplicate of line 2.', severity: 'warning' }),
      problem(8, { kind: 'duplicate', message: 'an exact duplicate of line 3.', severity: 'warning' }),
      problem(5, { kind: 'empty-field', field: 'messages[1].content', message: 'the assistant message is empty.' }),
      problem(6, { kind: 'empty-field', field: 'messages[3].content', message: 'the assistant message is empty.' }),
      problem(7, { kind: 'empty-field', field: 'output', message: '"output" is empty.' }),
    ]);
    // Errors first, the bigger group first.
    expect(groups.map((g) => [g.kind, g.field, g.message, g.problems.length])).toEqual([
      ['empty-field', 'messages[#].content', 'the assistant message is empty.', 2],
      ['empty-field', 'output', '"output" is empty.', 1],
      ['duplicate', undefined, 'an exact duplicate of line …', 2],
    ]);
    expect(groups[2]!.varies).toBe(true);
  });

  it('keeps apart problems of another kind or severity with the same words', () => {
    const groups = groupProblems([problem(0), problem(1, { severity: 'warning' }), problem(2, { kind: 'role-order' })]);
    expect(groups).toHaveLength(3);
  });
});

describe('describing where problems are', () => {
  it('names the first few lines and counts the rest', () => {
    expect(describeLocations(Array.from({ length: 300 }, (_, i) => `line ${i + 1}`))).toBe('Lines 1, 2, 3, 4, 5 and 295 more');
    expect(describeLocations(['row 3', 'row 7', 'row 12'])).toBe('Rows 3, 7 and 12');
    expect(describeLocations(['line 9'])).toBe('Line 9');
    expect(describeLocations(['line 3', 'record 4'])).toBe('line 3 and record 4');
  });
});
