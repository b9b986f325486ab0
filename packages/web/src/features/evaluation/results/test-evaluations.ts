import type { BenchmarkTask, EvaluationSummary } from '@qlora-studio/contracts';

/** A succeeded evaluation summary for tests; `over` replaces any field. */
export function evaluation(over: Partial<EvaluationSummary> & { jobId: string }): EvaluationSummary {
  return {
    batchId: null,
    title: over.jobId,
    status: 'succeeded',
    benchmark: { id: 'bench_a', name: 'Arithmetic', version: 1, task: 'multiple-choice' as BenchmarkTask },
    model: { id: 'model_1', name: 'Tiny' },
    adapter: null,
    quant: 'nf4',
    kernels: 'fast',
    limit: null,
    metrics: { accuracy: 0.5 },
    progress: null,
    error: null,
    parentId: null,
    cached: false,
    createdAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:05:00.000Z',
    ...over,
  };
}
