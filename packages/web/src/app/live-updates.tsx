import { jobEventSchema, streams, type Job, type JobList } from '@qlora-studio/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { actionToastMs } from '../lib/toast-timing';
import { jobKeys, overviewKeys } from '../lib/query-keys';
import { jobPath } from '../components/jobs/job-row';
import { statusMeta } from '../components/jobs/job-status';
import { applyLiveJobEvent } from '../lib/jobs/live-updates';
import { decideJobEndNotification, jobEndNotice, notificationAccess } from '../lib/job-notifications';
import { LiveStatusContext } from '../lib/live-status';
import { preferencesStore } from '../lib/preferences';
import { useEventStream } from '../lib/use-event-stream';

const liveEventNames = ['job'] as const;

/** A system notification for a finished job; clicking it brings this tab forward on the job. */
function showJobNotification(notice: { title: string; body: string; tag: string }, open: () => void) {
  try {
    const notification = new Notification(notice.title, { body: notice.body, tag: notice.tag });
    notification.onclick = () => {
      window.focus();
      open();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the toast still shows.
  }
}

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
      if (event.kind !== 'status') return;
      // The overview's job counts (and adapters, tokens trained) move with every status change.
      invalidate(overviewKeys.all);
      const { prefs } = preferencesStore.get();
      const decision = decideJobEndNotification({
        status: event.status,
        previous: before?.status,
        notifyJobs: prefs.notifyJobs,
        browserNotifyJobs: prefs.browserNotifyJobs,
        access: notificationAccess(),
        visibility: document.visibilityState,
      });
      const openJob = () => navigate(jobPath(event.jobId));
      if (decision.browser) showJobNotification(jobEndNotice({ id: event.jobId, title: before?.title }, event.status, event.error), openJob);
      if (!decision.toast) return;
      const title = before?.title ?? 'A job';
      const message = `${title}: ${statusMeta[event.status].label.toLowerCase()}`;
      const options = {
        id: `job-finished-${event.jobId}`,
        description: event.error ? `${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}` : undefined,
        action: { label: 'View', onClick: openJob },
        duration: actionToastMs,
      };
      if (event.status === 'succeeded') toast.success(message, options);
      else if (event.status === 'failed') toast.error(message, options);
      else toast(message, options);
    },
    [queryClient, invalidate, findJob, navigate],
  );

  const state = useEventStream({ path: streams.allEvents.path, events: liveEventNames, onEvent, adoptReadyId: true });

  // Each time the stream opens, refresh what it will not replay: after a drop, what the replay may
  // not cover (e.g. jobs deleted meanwhile); the first time, what changed between the page's first
  // fetches and the stream starting (a job that finished in that moment would otherwise look running).
  useEffect(() => {
    if (state !== 'open') return;
    invalidate(jobKeys.all);
    invalidate(['activity']);
    invalidate(overviewKeys.all);
  }, [state, invalidate]);

  return <LiveStatusContext value={state}>{children}</LiveStatusContext>;
}
