import { isTerminal, type JobStatus } from '@qlora-studio/contracts';

/** What the browser lets us do: its Notification.permission, or 'unsupported' without the API. */
export type NotificationAccess = NotificationPermission | 'unsupported';

/** The browser's notification permission right now. */
export function notificationAccess(): NotificationAccess {
  return typeof window !== 'undefined' && 'Notification' in window ? Notification.permission : 'unsupported';
}

export interface JobEndDecision {
  /** The in-app toast. */
  toast: boolean;
  /** A system notification (the tab is hidden, so a toast alone would go unseen). */
  browser: boolean;
}

/**
 * Whether to announce a job's status change, and how. Only the move into a finished status
 * counts (not the replay of one already known as finished); the toast follows `notifyJobs`,
 * the system notification `browserNotifyJobs`, the permission, and whether the page is hidden.
 */
export function decideJobEndNotification(input: {
  status: JobStatus;
  /** The status the app knew before this event, if any. */
  previous: JobStatus | undefined;
  notifyJobs: boolean;
  browserNotifyJobs: boolean;
  access: NotificationAccess;
  visibility: DocumentVisibilityState;
}): JobEndDecision {
  const ended = isTerminal(input.status) && !(input.previous && isTerminal(input.previous));
  return {
    toast: ended && input.notifyJobs,
    browser: ended && input.browserNotifyJobs && input.access === 'granted' && input.visibility !== 'visible',
  };
}

const endings: Record<JobStatus, string> = {
  queued: 'is queued',
  running: 'is running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'was canceled',
  interrupted: 'was interrupted',
};

/** The text of a job's system notification; the tag (the job id) replaces an older one for the same job. */
export function jobEndNotice(
  job: { id: string; title?: string },
  status: JobStatus,
  error?: { message: string; hint?: string | null } | null,
): { title: string; body: string; tag: string } {
  const name = job.title ?? 'A job';
  let body: string;
  if (error) body = error.hint ? `${error.message} ${error.hint}` : error.message;
  else if (status === 'succeeded') body = 'Finished without problems. Click to see the results.';
  else if (status === 'interrupted') body = 'The server stopped while it was running. Click to see where it got to.';
  else body = 'Click to open the job.';
  return { title: `${name} ${endings[status]}`, body, tag: job.id };
}

/** Why the switch for system notifications cannot be on, or null when it can. */
export function notificationBlockedReason(access: NotificationAccess): string | null {
  switch (access) {
    case 'unsupported':
      return 'This browser does not support notifications.';
    case 'denied':
      return 'The browser blocks notifications for this site. Allow them in the site settings (the icon left of the address), then turn this on again.';
    default:
      return null;
  }
}
