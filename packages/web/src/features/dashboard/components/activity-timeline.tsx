import { jobTypeLabels, type ActivityEvent } from '@qlora-studio/contracts';
import { useQuery } from '@tanstack/react-query';
import { ArrowRight, Boxes, ChevronDown, Database, History, Power, Settings2, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import { formatDateTime, formatDuration, secondsBetween } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { SeeAllLink } from './see-all-link';
import { useActivity } from '../../../lib/activity/list-activity';
import { jobQueryOptions } from '../../../lib/jobs/api/get-job';
import { jobPath } from '../../../components/jobs/job-row';
import { JobStatusBadge, statusMeta } from '../../../components/jobs/job-status';
import { describeKind, eventLink, groupByDay, jobStatusOf, quotedName, type TimelineSubject } from '../timeline';

const dotTone: Record<BadgeTone, string> = {
  neutral: 'bg-surface-muted text-fg-muted',
  primary: 'bg-primary-soft text-primary-text',
  success: 'bg-success-soft text-success-text',
  warning: 'bg-warning-soft text-warning-text',
  danger: 'bg-danger-soft text-danger-text',
};
const subjectIcons: Record<Exclude<TimelineSubject, 'job'>, typeof Boxes> = { dataset: Database, model: Boxes, settings: Settings2, server: Power };

/** Icon and tone of an event's dot on the timeline: job events take their status's. */
function eventLook(event: ActivityEvent): { icon: typeof Boxes; tone: BadgeTone } {
  const status = jobStatusOf(event.kind);
  if (status) return { icon: statusMeta[status].icon, tone: statusMeta[status].tone };
  const { subject, action } = describeKind(event.kind);
  if (action === 'deleted') return { icon: Trash2, tone: 'neutral' };
  return { icon: subject === 'job' ? History : subjectIcons[subject], tone: action === 'created' || action === 'added' ? 'success' : 'neutral' };
}

function StatusBadge({ event }: { event: ActivityEvent }) {
  const status = jobStatusOf(event.kind);
  if (status) return <JobStatusBadge status={status} />;
  const { subjectLabel, action } = describeKind(event.kind);
  const tone = eventLook(event).tone;
  return <Badge tone={tone}>{`${subjectLabel} ${action}`}</Badge>;
}

/** A job event's details: the job as it is now (type, duration, its error and what to try). */
function JobDetails({ jobId }: { jobId: string }) {
  const job = useQuery({ ...jobQueryOptions(jobId), retry: false });
  const now = useNow();
  if (job.isPending) return <Skeleton className="h-12" />;
  if (job.isError) {
    const gone = isApiClientError(job.error) && job.error.status === 404;
    return <p className="text-sm text-fg-muted">{gone ? 'This job has since been deleted.' : 'The job could not be loaded.'}</p>;
  }
  const j = job.data;
  const took = j.startedAt ? formatDuration(secondsBetween(j.startedAt, j.finishedAt, now)) : null;
  return (
    <div className="flex flex-col gap-3">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-fg-muted">Job</dt>
        <dd className="min-w-0 break-words">
          {j.title} <span className="text-fg-muted">({jobTypeLabels[j.type] ?? j.type})</span>
        </dd>
        <dt className="text-fg-muted">Now</dt>
        <dd>
          <JobStatusBadge status={j.status} />
        </dd>
        {took && (
          <>
            <dt className="text-fg-muted">{j.finishedAt ? 'Took' : 'Running for'}</dt>
            <dd className="tabular-nums">{took}</dd>
          </>
        )}
      </dl>
      {j.error && (
        <Alert tone={j.status === 'interrupted' ? 'warning' : 'danger'} title={j.error.message}>
          {j.error.hint ? `What to try: ${j.error.hint}` : null}
        </Alert>
      )}
    </div>
  );
}

function EventDetails({ event }: { event: ActivityEvent }) {
  const name = quotedName(event.message);
  const { subjectLabel } = describeKind(event.kind);
  const link = eventLink(event, jobPath);
  return (
    <div className="mt-2 flex flex-col gap-3 rounded-lg border border-line bg-surface-muted/60 p-3 hc:border-line-strong">
      {event.jobId && event.kind !== 'job.deleted' ? (
        <JobDetails jobId={event.jobId} />
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          {name && (
            <>
              <dt className="text-fg-muted">{subjectLabel}</dt>
              <dd className="min-w-0 font-medium break-words">{name}</dd>
            </>
          )}
          <dt className="text-fg-muted">What</dt>
          <dd className="min-w-0 break-words">{event.message}</dd>
        </dl>
      )}
      <p className="text-xs text-fg-muted">
        Recorded <time dateTime={event.at}>{formatDateTime(event.at)}</time>
      </p>
      {link && (
        <Button asChild variant="link" className="self-start">
          <Link to={link}>
            {event.jobId ? 'Open the job' : link === '/settings' ? 'Open Settings' : 'Open Fine-tune'} <ArrowRight aria-hidden />
          </Link>
        </Button>
      )}
    </div>
  );
}

function TimelineItem({ event, last }: { event: ActivityEvent; last: boolean }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const { icon: Icon, tone } = eventLook(event);
  const link = event.jobId ? eventLink(event, jobPath) : null;
  return (
    <li className="relative flex gap-3 pb-4 last:pb-0" data-kind={event.kind}>
      {!last && <span aria-hidden className="absolute top-10 bottom-0 left-[1.1875rem] w-px bg-line hc:bg-line-strong" />}
      <span className={cn('relative mt-0.5 grid size-10 shrink-0 place-items-center rounded-full hc:border hc:border-line-strong', dotTone[tone])}>
        <Icon className={cn('size-5', event.kind === 'job.started' && 'animate-spin [animation-duration:2.5s]')} aria-hidden />
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <p className="min-w-0 text-sm wrap-anywhere text-fg">
            {link ? (
              <Link to={link} className="font-medium text-fg underline-offset-4 hover:text-primary-text hover:underline">
                {event.message}
              </Link>
            ) : (
              event.message
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <StatusBadge event={event} />
          <RelativeTime date={event.at} className="text-xs text-fg-muted" />
          <button
            type="button"
            aria-expanded={open}
            aria-controls={panelId}
            onClick={() => setOpen((o) => !o)}
            className="tap-target ml-auto inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-fg-muted hover:bg-surface-muted hover:text-fg"
          >
            Details<span className="sr-only">: {event.message}</span>
            <ChevronDown className={cn('size-4 transition-transform duration-200', open && 'rotate-180')} aria-hidden />
          </button>
        </div>
        <div id={panelId} hidden={!open}>
          {open && <EventDetails event={event} />}
        </div>
      </div>
    </li>
  );
}

/** The workspace's recent activity as a timeline grouped by day, refreshed by live job events. */
export function ActivityTimeline({ limit = 12 }: { limit?: number }) {
  const activity = useActivity(limit);
  const now = useNow();
  const days = groupByDay(activity.data?.events ?? [], now);
  return (
    <Card aria-labelledby="timeline-title">
      <CardHeader>
        <div>
          <CardTitle id="timeline-title">Recent activity</CardTitle>
          <CardDescription>Jobs, datasets, models and settings, newest first</CardDescription>
        </div>
        <SeeAllLink to="/activity">All activity</SeeAllLink>
      </CardHeader>
      <CardContent>
        {activity.isPending ? (
          <div className="flex flex-col gap-4">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-12" />
            ))}
          </div>
        ) : activity.isError ? (
          <Alert tone="danger" title="Activity could not be loaded">
            {isApiClientError(activity.error) ? activity.error.hint : 'Reload the page.'}
          </Alert>
        ) : days.length ? (
          <div className="flex flex-col gap-5">
            {days.map((day) => (
              <section key={day.key} aria-labelledby={`timeline-day-${day.key}`}>
                <h3 id={`timeline-day-${day.key}`} className="mb-3 text-xs font-semibold tracking-wide text-fg-muted uppercase">
                  {day.label}
                </h3>
                <ol aria-label={`Activity, ${day.label}`}>
                  {day.events.map((event, i) => (
                    <TimelineItem key={event.id} event={event} last={i === day.events.length - 1} />
                  ))}
                </ol>
              </section>
            ))}
          </div>
        ) : (
          <EmptyState icon={History} title="Nothing has happened yet">
            Models added, datasets uploaded and jobs starting and finishing show up here.
          </EmptyState>
        )}
      </CardContent>
    </Card>
  );
}
