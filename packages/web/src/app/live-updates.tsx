import { isTerminal, jobEventSchema, streams, type Job, type JobList } from '@qlora-studio/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { jobKeys } from '../features/jobs/api/keys';
import { jobPath } from '../features/jobs/components/job-row';
import { statusMeta } from '../features/jobs/components/job-status';
import { applyLiveJobEvent } from '../features/jobs/live-updates';
import { LiveStatusContext } from '../lib/live-status';
import { preferencesStore } from '../lib/preferences';
import { useEventStream } from '../lib/use-event-stream';

const liveEventNames = ['job'] as const;

/**
 * Listens to every job's events for the whole app: patches and refreshes the query caches so
 * lists and details update live, and (if the user wants) says when a job finishes.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const pending = useRef(new Map<string, readonly unknown[]>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Coalesce refetches: a burst of events refreshes each key once.
  const invalidate = useCallback(
    (key: readonly unknown[]) => {
      pending.current.set(JSON.stringify(key), key);
      timer.current ??= setTimeout(() => {
        timer.current = null;
        const keys = [...pending.current.values()];
        pending.current.clear();
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
      }, 200);
    },
    [queryClient],
  );
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);

  const findJob = useCallback(
    (id: string): Job | undefined =>
      queryClient.getQueryData<Job>(jobKeys.detail(id)) ??
      queryClient
        .getQueriesData<JobList>({ queryKey: jobKeys.lists() })
        .flatMap(([, list]) => list?.jobs ?? [])
        .find((j) => j.id === id),
    [queryClient],
  );

  const onEvent = useCallback(
    (name: string, data: unknown) => {
      if (name !== 'job') return;
      const parsed = jobEventSchema.safeParse(data);
      if (!parsed.success) return;
      const event = parsed.data;
      const before = findJob(event.jobId);
      applyLiveJobEvent(queryClient, event, invalidate);
      // A finished download is a new model or dataset (stored before the job counts as succeeded).
      if (event.kind === 'status' && event.status === 'succeeded' && before?.type === 'download-model') invalidate(['models']);
      if (event.kind === 'status' && event.status === 'succeeded' && before?.type === 'import-dataset') invalidate(['datasets']);
      if (event.kind !== 'status' || !isTerminal(event.status) || !preferencesStore.get().prefs.notifyJobs) return;
      if (before && isTerminal(before.status)) return;
      const title = before?.title ?? 'A job';
      const message = `${title}: ${statusMeta[event.status].label.toLowerCase()}`;
      const options = {
        id: `job-finished-${event.jobId}`,
        description: event.error ? `${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}` : undefined,
        action: { label: 'View', onClick: () => navigate(jobPath(event.jobId)) },
      };
      if (event.status === 'succeeded') toast.success(message, options);
      else if (event.status === 'failed') toast.error(message, options);
      else toast(message, options);
    },
    [queryClient, invalidate, findJob, navigate],
  );

  const state = useEventStream({ path: streams.allEvents.path, events: liveEventNames, onEvent, adoptReadyId: true });

  // Back after a drop: refresh what the replay may not cover (e.g. jobs deleted meanwhile).
  const wasDown = useRef(false);
  useEffect(() => {
    if (state === 'reconnecting') wasDown.current = true;
    if (state === 'open' && wasDown.current) {
      wasDown.current = false;
      invalidate(jobKeys.all);
      invalidate(['activity']);
    }
  }, [state, invalidate]);

  return <LiveStatusContext value={state}>{children}</LiveStatusContext>;
}
