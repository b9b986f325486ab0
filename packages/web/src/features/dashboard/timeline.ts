import type { ActivityEvent, ActivityKind, JobStatus } from '@qlora-studio/contracts';

export interface TimelineDay {
  /** Local calendar day, YYYY-MM-DD. */
  key: string;
  /** "Today", "Yesterday" or the date. */
  label: string;
  events: ActivityEvent[];
}

const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/** "Today", "Yesterday", "Monday, November 23" (or with the year when it is not this year). */
export function dayLabel(date: Date, now: number = Date.now()): string {
  const today = new Date(now);
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return (date.getFullYear() === today.getFullYear() ? dayFormat : dayYearFormat).format(date);
}

/** Events (newest first) grouped by the local day they happened, in the order given. */
export function groupByDay(events: readonly ActivityEvent[], now: number = Date.now()): TimelineDay[] {
  const days: TimelineDay[] = [];
  for (const event of events) {
    const at = new Date(event.at);
    const key = Number.isNaN(at.getTime()) ? 'unknown' : dayKey(at);
    let day = days.at(-1);
    if (day?.key !== key) {
      day = { key, label: key === 'unknown' ? 'Unknown date' : dayLabel(at, now), events: [] };
      days.push(day);
    }
    day.events.push(event);
  }
  return days;
}

const jobKindStatus: Partial<Record<ActivityKind, JobStatus>> = {
  'job.queued': 'queued',
  'job.started': 'running',
  'job.succeeded': 'succeeded',
  'job.failed': 'failed',
  'job.canceled': 'canceled',
  'job.interrupted': 'interrupted',
};

/** The job status an activity kind records, if it is a job status change. */
export const jobStatusOf = (kind: ActivityKind): JobStatus | null => jobKindStatus[kind] ?? null;

const subjects = { job: 'Job', dataset: 'Dataset', model: 'Model', settings: 'Settings', server: 'Server' } as const;
export type TimelineSubject = keyof typeof subjects;

/** What an event is about ("dataset") and the word for what happened ("created"). */
export function describeKind(kind: ActivityKind): { subject: TimelineSubject; subjectLabel: string; action: string } {
  const [subject, action = ''] = kind.split('.') as [TimelineSubject, string];
  return { subject, subjectLabel: subjects[subject] ?? 'Event', action };
}

/** The first quoted name in a message: `Dataset "chat" uploaded (3 records)` → `chat`. */
export function quotedName(message: string): string | null {
  return /"([^"]+)"/.exec(message)?.[1] ?? /“([^”]+)”/.exec(message)?.[1] ?? null;
}

/** Where the thing an event is about lives (null when it no longer exists or has no page). */
export function eventLink(event: Pick<ActivityEvent, 'kind' | 'jobId'>, jobPath: (id: string) => string): string | null {
  if (event.jobId && event.kind.startsWith('job.') && event.kind !== 'job.deleted') return jobPath(event.jobId);
  if (event.kind === 'dataset.deleted' || event.kind === 'model.deleted') return null;
  if (event.kind.startsWith('dataset.') || event.kind.startsWith('model.')) return '/fine-tune';
  if (event.kind === 'settings.changed') return '/settings';
  return null;
}
