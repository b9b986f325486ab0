/**
 * The job queue's pure parts: evaluate jobs grouped by batch, and which of a batch's jobs can be
 * compared on the Results tab.
 */
import { isTerminal, type EvaluationSummary, type JobStatus } from '@qlora-studio/contracts';

export interface BatchGroup {
  /** The batch id, or `job:<id>` for a job launched on its own (e.g. from the CLI). */
  key: string;
  batchId: string | null;
  /** Its jobs, oldest first (the order they were queued in). */
  jobs: EvaluationSummary[];
  /** When its newest job was queued (retries move a batch up). */
  latestAt: string;
  counts: Partial<Record<JobStatus, number>>;
}

/** Groups summaries by batch, newest batch first. */
export function groupByBatch(evaluations: readonly EvaluationSummary[]): BatchGroup[] {
  const groups = new Map<string, BatchGroup>();
  for (const e of evaluations) {
    const key = e.batchId ?? `job:${e.jobId}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, batchId: e.batchId, jobs: [], latestAt: e.createdAt, counts: {} };
      groups.set(key, group);
    }
    group.jobs.push(e);
    if (e.createdAt > group.latestAt) group.latestAt = e.createdAt;
    group.counts[e.status] = (group.counts[e.status] ?? 0) + 1;
  }
  // The API lists newest first; reversed and stably sorted, jobs queued in the same instant keep their launch order.
  for (const group of groups.values()) group.jobs = group.jobs.reverse().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return [...groups.values()].sort((a, b) => b.latestAt.localeCompare(a.latestAt));
}

/** Jobs not superseded by a retry in the same list (a retried job's child carries its id as parentId). */
export function currentAttempts(jobs: readonly EvaluationSummary[]): EvaluationSummary[] {
  const retried = new Set(jobs.map((j) => j.parentId).filter((id): id is string => id !== null));
  return jobs.filter((j) => !retried.has(j.jobId));
}

export const batchActive = (group: BatchGroup): boolean => group.jobs.some((j) => !isTerminal(j.status));
/** Failed, canceled or interrupted jobs that no retry has replaced yet: what Retry failed reruns. */
export const retryable = (group: BatchGroup): EvaluationSummary[] =>
  currentAttempts(group.jobs).filter((j) => j.status === 'failed' || j.status === 'canceled' || j.status === 'interrupted');

/** A benchmark of a batch whose models can be compared: the base first, then the others. */
export interface Comparison {
  benchmark: EvaluationSummary['benchmark'];
  limit: number | null;
  /** Base job first. */
  jobIds: string[];
  /** null when every job succeeded; otherwise why the comparison is not ready yet. */
  blocked: string | null;
}

/** The base of a comparison: the job without an adapter when there is one (the earliest), else the first. */
export function chooseBase(jobs: readonly EvaluationSummary[]): EvaluationSummary | undefined {
  return jobs.find((j) => j.adapter === null) ?? jobs[0];
}

/**
 * Per benchmark version and item limit (the server compares only jobs that share both), the
 * batch's current attempts in comparison order, and whether they can be compared now.
 */
export function comparisons(jobs: readonly EvaluationSummary[]): Comparison[] {
  const byBenchmark = new Map<string, EvaluationSummary[]>();
  for (const j of currentAttempts(jobs)) {
    const key = `${j.benchmark.id}@${j.benchmark.version}#${j.limit ?? 'all'}`;
    byBenchmark.set(key, [...(byBenchmark.get(key) ?? []), j]);
  }
  return [...byBenchmark.values()].flatMap((group) => {
    if (group.length < 2) return [];
    const base = chooseBase(group)!;
    const ordered = [base, ...group.filter((j) => j !== base)];
    const done = group.filter((j) => j.status === 'succeeded').length;
    const blocked =
      done === group.length
        ? null
        : group.some((j) => !isTerminal(j.status))
          ? `${done} of ${group.length} finished: compare when all have.`
          : `${group.length - done} of ${group.length} did not succeed: retry them to compare.`;
    return [{ benchmark: base.benchmark, limit: base.limit, jobIds: ordered.map((j) => j.jobId), blocked }];
  });
}

/** The main metric to show for a finished job: accuracy-like first, then whatever it has. */
export function headlineMetric(metrics: Record<string, number> | null): { name: string; value: number } | null {
  if (!metrics) return null;
  const names = Object.keys(metrics);
  const preferred = ['accuracy', 'exact_match', 'pass_rate', 'mean_score', 'perplexity', 'loss'];
  const name = preferred.find((p) => p in metrics) ?? names[0];
  return name === undefined ? null : { name, value: metrics[name]! };
}

/** Metrics that are rates from 0 to 1 (shown as percentages); the others (loss, BLEU on 0–100…) as numbers. */
const rateMetrics = /^(accuracy|accuracy_norm|exact_match|f1|rouge_l|pass_rate)$/;

/** "73.4%" for a rate, else the number with up to 3 decimals. */
export function formatMetric(name: string, value: number): string {
  if (rateMetrics.test(name)) return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
