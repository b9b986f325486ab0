import { isTerminal, type Job, type JobEvent, type JobList } from '@qlora-studio/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { jobKeys } from '../query-keys';

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
      break;
    }
    case 'progress':
      patchJob(queryClient, event.jobId, (job) => ({
        ...job,
        progress: { step: event.step, total: event.total, etaSeconds: event.etaSeconds, message: event.message },
      }));
      break;
    case 'result':
      patchJob(queryClient, event.jobId, (job) => ({ ...job, result: event.data }));
      invalidate(jobKeys.events(event.jobId, 'result'));
      break;
    default:
      break;
  }
}
