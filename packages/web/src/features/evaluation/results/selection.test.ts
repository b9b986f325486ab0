import { describe, expect, it } from 'vitest';
import { groupComparable, modelLabel, parseJobIds, settingsText, whyNotComparable } from './selection';
import { evaluation } from './test-evaluations';

const base = evaluation({ jobId: 'job_base' });
const tuned = evaluation({ jobId: 'job_tuned', adapter: { ref: 'job_ft', label: 'My fine-tune' }, finishedAt: '2026-12-02T00:00:00.000Z' });
const v2 = evaluation({ jobId: 'job_v2', benchmark: { ...base.benchmark, version: 2 } });
const limited = evaluation({ jobId: 'job_lim', limit: 50 });
const other = evaluation({ jobId: 'job_other', benchmark: { id: 'bench_b', name: 'Trivia', version: 1, task: 'generate' } });

describe('groupComparable', () => {
  it('groups succeeded evaluations by benchmark version and limit, newest group and newest job first', () => {
    const groups = groupComparable([base, tuned, v2, limited, other]);
    expect(groups.map((g) => g.key)).toEqual(['bench_a@1#all', 'bench_a@2#all', 'bench_a@1#50', 'bench_b@1#all']);
    expect(groups[0]!.evaluations.map((e) => e.jobId)).toEqual(['job_tuned', 'job_base']);
  });

  it('leaves out jobs that did not succeed or have no metrics', () => {
    const failed = evaluation({ jobId: 'job_f', status: 'failed' });
    const empty = evaluation({ jobId: 'job_e', metrics: null });
    expect(groupComparable([failed, empty])).toEqual([]);
  });

  it('keeps only one benchmark when asked', () => {
    expect(groupComparable([base, other], 'bench_b').map((g) => g.benchmark.id)).toEqual(['bench_b']);
  });
});

describe('whyNotComparable', () => {
  it('allows the same benchmark version and limit', () => {
    expect(whyNotComparable(tuned, base)).toBeNull();
  });

  it('names the reason a job cannot be compared with the base', () => {
    expect(whyNotComparable(tuned, undefined)).toMatch(/Choose a base first/);
    expect(whyNotComparable(base, base)).toBe('This is the base.');
    expect(whyNotComparable(other, base)).toMatch(/Another benchmark \(Trivia\)/);
    expect(whyNotComparable(v2, base)).toMatch(/version 2; the base ran version 1/);
    expect(whyNotComparable(limited, base)).toBe('Scored the first 50 items; the base scored all items.');
  });
});

describe('parseJobIds', () => {
  it('splits on commas, keeps the order, drops blanks and repeats', () => {
    expect(parseJobIds(' a, b,,a ,c')).toEqual(['a', 'b', 'c']);
    expect(parseJobIds(null)).toEqual([]);
  });
});

describe('labels', () => {
  it('names the model with its adapter and the weights it ran with', () => {
    expect(modelLabel(tuned)).toBe('Tiny + My fine-tune');
    expect(settingsText(base)).toBe('nf4, fast kernels');
    expect(settingsText(evaluation({ jobId: 'f', quant: 'none', kernels: null }))).toBe('float32');
  });
});
