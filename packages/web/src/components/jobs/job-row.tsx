import { jobTypeLabels, type Job } from '@qlora-studio/contracts';
import { ChevronRight, ClipboardCheck, Cpu, Database, Download, Sparkles } from 'lucide-react';
import { Link } from 'react-router';
import { RelativeTime } from '../ui/relative-time';
import { formatDuration, secondsBetween } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { JobProgress, JobStatusBadge } from './job-status';

export const jobPath = (id: string) => `/activity/jobs/${encodeURIComponent(id)}`;

const typeIcons = { 'system-check': Cpu, train: Sparkles, 'download-model': Download, 'import-dataset': Database, evaluate: ClipboardCheck } as const;

/** Type (when the title does not say it), when it was created, and how long it ran or has run. */
export function JobMeta({ job, className }: { job: Job; className?: string }) {
  const now = useNow();
  const active = job.status === 'running' || job.status === 'queued';
  const duration = job.startedAt ? formatDuration(secondsBetween(job.startedAt, job.finishedAt, now)) : null;
  return (
    <span className={className}>
      {job.title !== jobTypeLabels[job.type] && (
        <>
          <span>{jobTypeLabels[job.type] ?? job.type}</span>
          <span aria-hidden>·</span>
        </>
      )}
      <span>
        Created <RelativeTime date={job.createdAt} />
      </span>
      {duration && (
        <>
          <span aria-hidden>·</span>
          <span className="tabular-nums">{active ? `running for ${duration}` : `took ${duration}`}</span>
        </>
      )}
    </span>
  );
}

/** One job in a list: a link to its detail page with live status and progress. */
export function JobRow({ job }: { job: Job }) {
  const Icon = typeIcons[job.type] ?? Cpu;
  return (
    <li>
      <Link to={jobPath(job.id)} className="group flex min-h-11 items-center gap-4 rounded-lg px-3 py-3 transition-colors hover:bg-surface-muted sm:px-4">
        <span className="hidden size-10 shrink-0 place-items-center rounded-lg bg-primary-soft text-primary-text sm:grid hc:border hc:border-primary">
          <Icon className="size-5" aria-hidden />
        </span>
        <span className="flex min-w-0 flex-1 flex-col gap-1">
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="max-w-full min-w-0 truncate font-medium text-fg">{job.title}</span>
            <JobStatusBadge status={job.status} />
          </span>
          <JobMeta job={job} className="flex flex-wrap gap-x-3 text-sm text-fg-muted" />
          {job.status === 'running' && (
            <span className="mt-1 block max-w-md">
              <JobProgress job={job} compact />
            </span>
          )}
          {job.status === 'failed' && job.error && <span className="line-clamp-1 text-sm wrap-anywhere text-danger-text">{job.error.message}</span>}
        </span>
        <ChevronRight className="size-5 shrink-0 text-fg-muted transition-transform group-hover:translate-x-0.5" aria-hidden />
      </Link>
    </li>
  );
}
