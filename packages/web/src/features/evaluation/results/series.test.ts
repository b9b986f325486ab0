import { describe, expect, it } from 'vitest';
import { buildBenchmarkProfile, buildStepSeries, checkpointOf, mainValue, modelKey } from './series';
import { evaluation } from './test-evaluations';

const adapter = { ref: 'job_ft', label: 'My fine-tune' };
const bench = (id: string, task: 'multiple-choice' | 'generate' | 'loss' | 'judge') => ({ id, name: id.toUpperCase(), version: 1, task });

describe('mainValue', () => {
  it("reads each task's main metric", () => {
    expect(mainValue(evaluation({ jobId: 'a', metrics: { accuracy: 0.7, accuracy_norm: 0.6 } }))).toBe(0.7);
    expect(mainValue(evaluation({ jobId: 'b', benchmark: bench('g', 'generate'), metrics: { exact_match: 0.3, f1: 0.5 } }))).toBe(0.3);
    expect(mainValue(evaluation({ jobId: 'c', benchmark: bench('j', 'judge'), metrics: { judge_pass: 0.4 } }))).toBe(0.4);
    expect(mainValue(evaluation({ jobId: 'd', benchmark: bench('l', 'loss'), metrics: { loss: 1.9 } }))).toBe(1.9);
    expect(mainValue(evaluation({ jobId: 'e', metrics: { f1: 0.2 } }))).toBeNull();
  });
});

describe('buildBenchmarkProfile', () => {
  const models = [
    { key: modelKey({ model: { id: 'model_1', name: 'Tiny' }, adapter: null }), label: 'Tiny' },
    { key: modelKey({ model: { id: 'model_1', name: 'Tiny' }, adapter }), label: 'Tiny + My fine-tune' },
  ];
  const runs = [
    evaluation({ jobId: '1', benchmark: bench('a', 'multiple-choice'), metrics: { accuracy: 0.5 } }),
    evaluation({ jobId: '2', benchmark: bench('a', 'multiple-choice'), adapter, metrics: { accuracy: 0.6 } }),
    evaluation({ jobId: '3', benchmark: bench('b', 'generate'), metrics: { exact_match: 0.1 } }),
    evaluation({ jobId: '4', benchmark: bench('b', 'generate'), adapter, metrics: { exact_match: 0.2 } }),
    // An older run of the same pair: the newer one counts.
    evaluation({ jobId: '5', benchmark: bench('b', 'generate'), adapter, metrics: { exact_match: 0.9 }, finishedAt: '2026-11-01T00:00:00.000Z' }),
    // Only the base ran benchmark c: it is left out.
    evaluation({ jobId: '6', benchmark: bench('c', 'judge'), metrics: { judge_pass: 0.3 } }),
    evaluation({ jobId: '7', benchmark: bench('l', 'loss'), metrics: { loss: 2 } }),
    evaluation({ jobId: '8', benchmark: bench('l', 'loss'), adapter, metrics: { loss: 1.5 } }),
    // Another model entirely.
    evaluation({ jobId: '9', benchmark: bench('a', 'multiple-choice'), model: { id: 'model_2', name: 'Other' }, metrics: { accuracy: 1 } }),
  ];

  it('lines up each model on the benchmarks all of them ran, in points, loss left out', () => {
    const profile = buildBenchmarkProfile(runs, models);
    expect(profile.benchmarks.map((b) => b.id)).toEqual(['a', 'b']);
    expect(profile.series).toEqual([
      { label: 'Tiny', values: [50, 10] },
      { label: 'Tiny + My fine-tune', values: [60, 20] },
    ]);
    expect(profile.skippedLoss).toEqual(['L']);
  });

  it('ignores failed runs', () => {
    const failed = runs.map((r) => (r.jobId === '4' ? { ...r, status: 'failed' as const } : r)).filter((r) => r.jobId !== '5');
    expect(buildBenchmarkProfile(failed, models).benchmarks.map((b) => b.id)).toEqual(['a']);
  });
});

describe('checkpointOf', () => {
  it('reads the run folder and the step of a checkpoint adapter', () => {
    expect(checkpointOf('adapter_x/checkpoint-200')).toEqual({ run: 'adapter_x', step: 200 });
    expect(checkpointOf('checkpoint-5')).toEqual({ run: '', step: 5 });
    expect(checkpointOf('My fine-tune')).toBeNull();
    expect(checkpointOf('adapter_x/checkpoint-final')).toBeNull();
  });
});

describe('buildStepSeries', () => {
  const base = evaluation({ jobId: 'base', metrics: { accuracy: 0.4 } });
  const ck = (jobId: string, label: string, accuracy: number, over = {}) =>
    evaluation({ jobId, adapter: { ref: label, label }, metrics: { accuracy }, ...over });

  it("plots one fine-tune's checkpoints by step, on the base's benchmark version and limit", () => {
    const series = buildStepSeries(
      [
        base,
        ck('c300', 'adapter_x/checkpoint-300', 0.6),
        ck('c100', 'adapter_x/checkpoint-100', 0.45),
        ck('c200', 'adapter_x/checkpoint-200', 0.5),
        ck('lim', 'adapter_x/checkpoint-400', 0.9, { limit: 10 }),
        ck('v2', 'adapter_x/checkpoint-500', 0.9, { benchmark: { ...base.benchmark, version: 2 } }),
        ck('other-model', 'adapter_x/checkpoint-600', 0.9, { model: { id: 'model_2', name: 'Other' } }),
      ],
      base,
    );
    expect(series).toEqual({
      run: 'adapter_x',
      title: 'adapter_x',
      points: [
        { step: 100, value: 0.45, jobId: 'c100' },
        { step: 200, value: 0.5, jobId: 'c200' },
        { step: 300, value: 0.6, jobId: 'c300' },
      ],
    });
  });

  it('prefers the run named, else the one with most checkpoints; null with fewer than two', () => {
    const list = [
      ck('a1', 'a/checkpoint-1', 0.1),
      ck('a2', 'a/checkpoint-2', 0.2),
      ck('b1', 'b/checkpoint-1', 0.1),
      ck('b2', 'b/checkpoint-2', 0.2),
      ck('b3', 'b/checkpoint-3', 0.3),
    ];
    expect(buildStepSeries(list, base)?.run).toBe('b');
    expect(buildStepSeries(list, base, 'a')?.run).toBe('a');
    expect(buildStepSeries([ck('a1', 'a/checkpoint-1', 0.1)], base)).toBeNull();
  });

  it("places checkpoints and the final adapter at the steps the server recorded, named by the fine-tune's title", () => {
    const fineTune = (step: number | null) => ({ jobId: 'job_ft', title: 'Quiz v1, r 8', step });
    const tuned = (jobId: string, label: string, step: number | null, accuracy: number) =>
      evaluation({ jobId, adapter: { ref: label, label, fineTune: fineTune(step) }, metrics: { accuracy } });
    const series = buildStepSeries(
      [base, tuned('final', 'Quiz v1, r 8, 30 steps', 30, 0.7), tuned('c10', 'adapter_q/checkpoint-10', 10, 0.5), tuned('unknown', 'x', null, 0.9)],
      base,
    );
    expect(series).toEqual({
      run: 'job_ft',
      title: 'Quiz v1, r 8',
      points: [
        { step: 10, value: 0.5, jobId: 'c10' },
        { step: 30, value: 0.7, jobId: 'final' },
      ],
    });
  });
});
