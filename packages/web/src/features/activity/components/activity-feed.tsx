import type { ActivityEvent, ActivityKind } from '@qlora-studio/contracts';
import { Ban, Boxes, CheckCircle2, Clock, Database, FilePen, History, Play, PlugZap, Power, Settings2, Trash2, XCircle } from 'lucide-react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import { jobPath } from '../../../components/jobs/job-row';
import { useActivity } from '../../../lib/activity/list-activity';

const kindMeta: Record<ActivityKind, { icon: typeof Clock; className: string }> = {
  'job.queued': { icon: Clock, className: 'bg-surface-muted text-fg-muted' },
  'job.started': { icon: Play, className: 'bg-primary-soft text-primary-text' },
  'job.succeeded': { icon: CheckCircle2, className: 'bg-success-soft text-success-text' },
  'job.failed': { icon: XCircle, className: 'bg-danger-soft text-danger-text' },
  'job.canceled': { icon: Ban, className: 'bg-surface-muted text-fg-muted' },
  'job.interrupted': { icon: PlugZap, className: 'bg-warning-soft text-warning-text' },
  'job.deleted': { icon: Trash2, className: 'bg-surface-muted text-fg-muted' },
  'dataset.created': { icon: Database, className: 'bg-success-soft text-success-text' },
  'dataset.versioned': { icon: Database, className: 'bg-primary-soft text-primary-text' },
  'dataset.renamed': { icon: FilePen, className: 'bg-surface-muted text-fg-muted' },
  'dataset.deleted': { icon: Trash2, className: 'bg-surface-muted text-fg-muted' },
  'model.added': { icon: Boxes, className: 'bg-success-soft text-success-text' },
  'model.deleted': { icon: Trash2, className: 'bg-surface-muted text-fg-muted' },
  'benchmark.deleted': { icon: Trash2, className: 'bg-surface-muted text-fg-muted' },
  'settings.changed': { icon: Settings2, className: 'bg-primary-soft text-primary-text' },
  'server.started': { icon: Power, className: 'bg-surface-muted text-fg-muted' },
};

function FeedItem({ event, last }: { event: ActivityEvent; last: boolean }) {
  const meta = kindMeta[event.kind] ?? kindMeta['server.started'];
  const Icon = meta.icon;
  const linkable = event.jobId && event.kind !== 'job.deleted';
  return (
    <li className="relative flex gap-3 pb-5 last:pb-0">
      {!last && <span aria-hidden className="absolute top-9 bottom-0 left-[1.0625rem] w-px bg-line" />}
      <span className={cn('relative grid size-9 shrink-0 place-items-center rounded-full hc:border hc:border-line-strong', meta.className)}>
        <Icon className="size-4" aria-hidden />
      </span>
      <div className="min-w-0 flex-1 pt-1.5">
        <p className="text-sm wrap-anywhere text-fg">
          {linkable ? (
            <Link to={jobPath(event.jobId!)} className="font-medium text-fg underline-offset-4 hover:text-primary-text hover:underline">
              {event.message}
            </Link>
          ) : (
            event.message
          )}
        </p>
        <p className="text-xs text-fg-muted">
          <RelativeTime date={event.at} />
        </p>
      </div>
    </li>
  );
}

/** The workspace's recent activity as a timeline, refreshed by live job events. */
export function ActivityFeed({ limit = 20, title = 'Recent activity' }: { limit?: number; title?: string }) {
  const activity = useActivity(limit);
  const events = activity.data?.events ?? [];
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>{title}</CardTitle>
          <CardDescription>What happened in this workspace</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {activity.isPending ? (
          <div className="flex flex-col gap-4">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-10" />
            ))}
          </div>
        ) : activity.isError ? (
          <Alert tone="danger" title="Activity could not be loaded">
            {isApiClientError(activity.error) ? activity.error.hint : 'Reload the page.'}
          </Alert>
        ) : events.length ? (
          <ol>
            {events.map((event, i) => (
              <FeedItem key={event.id} event={event} last={i === events.length - 1} />
            ))}
          </ol>
        ) : (
          <EmptyState icon={History} title="Nothing has happened yet">
            Jobs starting and finishing, and settings changing, are recorded here.
          </EmptyState>
        )}
      </CardContent>
    </Card>
  );
}
