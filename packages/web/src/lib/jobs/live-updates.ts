import { isTerminal, type EvaluationList, type Job, type JobEvent, type JobList } from '@qlora-studio/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { evaluationKeys, jobKeys } from '../query-keys';

function patchJob(queryClient: QueryClient, id: string, patch: (job: Job) => Job): boolean {
  let found = false;
  queryClient.setQueryData<Job>(jobKeys.detail(id), (job) => (job ? patch(job) : job));
  queryClient.setQueriesData<JobList>({ queryKey: jobKeys.lists() }, (list) => {
    if (!list?.jobs.some((j) => j.id === id)) return list;
    found = true;
    return { ...list, jobs: list.jobs.map((j) => (j.id === id ? patch(j) : j)) };
  });
  return found;
}

/**
 * Whether a job may be an evaluate job, from what the caches hold: a job no cache has seen yet
 * (e.g. launched from the CLI) may be one, so it counts too.
 */
function mayBeEvaluation(queryClient: QueryClient, id: string): boolean {
  const inResults = queryClient
    .getQueriesData<EvaluationList>({ queryKey: evaluationKeys.results() })
    .some(([, data]) => data?.evaluations?.some((e) => e.jobId === id));
  if (inResults) return true;
  const known = [
    queryClient.getQueryData<Job>(jobKeys.detail(id)),
    ...queryClient.getQueriesData<JobList>({ queryKey: jobKeys.lists() }).map(([, list]) => list?.jobs?.find((j) => j.id === id)),
  ].find(Boolean);
  return known ? known.type === 'evaluate' : true;
}

/** Moves an evaluate job's progress in the evaluation lists (the queue's bars) without a refetch. */
function patchEvaluationProgress(queryClient: QueryClient, id: string, progress: NonNullable<Job['progress']>): void {
  queryClient.setQueriesData<EvaluationList>({ queryKey: evaluationKeys.results() }, (list) => {
    if (!list?.evaluations?.some((e) => e.jobId === id)) return list;
    return {
      ...list,
      evaluations: list.evaluations.map((e) => (e.jobId === id ? { ...e, progress, status: e.status === 'queued' ? 'running' : e.status } : e)),
    };
  });
}

/**
 * Applies one event of the app-wide stream to the query caches, so every list and detail view
 * updates without polling. Cheap patches (status, progress, result) are applied at once;
 * `invalidate` is called for the keys to refetch for exact server state (timestamps, new jobs).
 */
export function applyLiveJobEvent(queryClient: QueryClient, event: JobEvent, invalidate: (key: readonly unknown[]) => void): void {
  switch (event.kind) {
    case 'status': {
      patchJob(queryClient, event.jobId, (job) => ({
        ...job,
        status: event.status,
        error: event.error ?? (isTerminal(event.status) ? job.error : null),
        progress: event.status === 'succeeded' && job.progress ? { ...job.progress, step: job.progress.total, etaSeconds: 0 } : job.progress,
      }));
      // Refetch for exact timestamps, and to pick up a job no list has yet.
      invalidate(jobKeys.lists());
      invalidate(jobKeys.detail(event.jobId));
      invalidate(['activity']);
      // Evaluation lists, the queue and comparisons carry status, metrics and the cached flag.
      if (mayBeEvaluation(queryClient, event.jobId)) invalidate(evaluationKeys.results());
      break;
    }
    case 'progress': {
      const progress = { step: event.step, total: event.total, etaSeconds: event.etaSeconds, message: event.message };
      patchJob(queryClient, event.jobId, (job) => ({ ...job, progress }));
      patchEvaluationProgress(queryClient, event.jobId, progress);
      break;
    }
    case 'result':
      patchJob(queryClient, event.jobId, (job) => ({ ...job, result: event.data }));
      invalidate(jobKeys.events(event.jobId, 'result'));
      if (mayBeEvaluation(queryClient, event.jobId)) invalidate(evaluationKeys.results());
      break;
    default:
      break;
  }
}
