/** Where a new benchmark's rows can come from, read from what the API lists. */
import type { BenchmarkRows, Job } from '@qlora-studio/contracts';

/** A fine-tune that held out a validation split: its dataset version and the split's settings. */
export interface FineTuneSplit {
  jobId: string;
  title: string;
  status: Job['status'];
  datasetId: string;
  /** The version it trained on (null when the job did not record one: the dataset's newest). */
  datasetVersion: number | null;
  datasetName: string | null;
  rows: Extract<BenchmarkRows, { kind: 'held-out' }>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fine-tunes whose config split off validation rows (`validation.kind === 'split'`). A benchmark
 * made from one computes the same split (ratio and seed over the same dataset version), so it
 * scores only rows the adapter never trained on.
 */
export function fineTuneSplits(jobs: readonly Job[]): FineTuneSplit[] {
  return jobs.flatMap((job) => {
    if (job.type !== 'train') return [];
    const c = job.config;
    const v = c.validation;
    if (!isRecord(v) || v.kind !== 'split' || typeof v.ratio !== 'number' || typeof v.seed !== 'number') return [];
    if (typeof c.datasetId !== 'string') return [];
    const resolved = isRecord(c.resolved) && isRecord(c.resolved.dataset) ? c.resolved.dataset : null;
    const version = typeof resolved?.version === 'number' ? resolved.version : typeof c.datasetVersion === 'number' ? c.datasetVersion : null;
    return [
      {
        jobId: job.id,
        title: job.title,
        status: job.status,
        datasetId: c.datasetId,
        datasetVersion: version,
        datasetName: typeof resolved?.name === 'string' ? resolved.name : null,
        rows: { kind: 'held-out', ratio: v.ratio, seed: v.seed, jobId: job.id },
      },
    ];
  });
}
