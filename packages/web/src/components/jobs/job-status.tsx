import { isTerminal, type Job, type JobStatus } from '@qlora-studio/contracts';
import { Ban, CheckCircle2, Clock, Loader2, PlugZap, XCircle } from 'lucide-react';
import { Badge, type BadgeTone } from '../ui/badge';
import { Progress } from '../ui/progress';
import { cn } from '../../lib/cn';
import { formatDuration } from '../../lib/format';

export const statusMeta: Record<JobStatus, { label: string; tone: BadgeTone; icon: typeof Clock; explain: string }> = {
  queued: { label: 'Queued', tone: 'neutral', icon: Clock, explain: 'Waiting for a free slot to run.' },
  running: { label: 'Running', tone: 'primary', icon: Loader2, explain: 'Working now.' },
  succeeded: { label: 'Succeeded', tone: 'success', icon: CheckCircle2, explain: 'Finished without problems.' },
  failed: { label: 'Failed', tone: 'danger', icon: XCircle, explain: 'Stopped because of an error.' },
  canceled: { label: 'Canceled', tone: 'neutral', icon: Ban, explain: 'Stopped on request.' },
  interrupted: { label: 'Interrupted', tone: 'warning', icon: PlugZap, explain: 'The server stopped while this job was running.' },
};

/** Status with icon and word, never colour alone. */
export function JobStatusBadge({ status, className }: { status: JobStatus; className?: string }) {
  const meta = statusMeta[status];
  const Icon = meta.icon;
  return (
    <Badge tone={meta.tone} className={className}>
      <Icon className={cn(status === 'running' && 'animate-spin')} aria-hidden />
      {meta.label}
    </Badge>
  );
}

/** Percent done, or null when the job has not said how much there is. */
export function progressPercent(job: Pick<Job, 'status' | 'progress'>): number | null {
  if (job.status === 'succeeded') return 100;
  const p = job.progress;
  if (!p || p.total <= 0) return null;
  return Math.min(100, (p.step / p.total) * 100);
}

/** The bar's value: a stopped job keeps where it got to (0 when it never said), never an animated bar. */
export function progressBarValue(job: Pick<Job, 'status' | 'progress'>): number | null {
  if (job.status === 'queued') return 0;
  const percent = progressPercent(job);
  return percent ?? (isTerminal(job.status) ? 0 : null);
}

/** The line under a progress bar: "Working…" only while the job runs. */
export function progressMessage(job: Pick<Job, 'status' | 'progress'>): string {
  const p = job.progress;
  switch (job.status) {
    case 'queued':
      return 'Waiting to start';
    case 'running':
      return p?.message ?? (progressPercent(job) === null ? 'Working…' : 'In progress');
    case 'succeeded':
      return 'Finished';
    default:
      return p?.message ? `${statusMeta[job.status].label} at: ${p.message}` : statusMeta[job.status].label;
  }
}

/** Progress bar with step count, message and time left, for a running or queued job. */
export function JobProgress({ job, compact }: { job: Pick<Job, 'status' | 'progress' | 'title'>; compact?: boolean }) {
  const percent = progressPercent(job);
  const p = job.progress;
  const tone = job.status === 'failed' ? 'danger' : job.status === 'interrupted' ? 'warning' : job.status === 'succeeded' ? 'success' : 'primary';
  return (
    <div className="flex flex-col gap-1.5">
      <Progress value={progressBarValue(job)} label={`Progress of ${job.title}`} tone={tone} size={compact ? 'sm' : 'md'} />
      {!compact && (
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 text-sm text-fg-muted">
          <span className="min-w-0 truncate">{progressMessage(job)}</span>
          <span className="tabular-nums">
            {p && p.total > 0 && `${p.step} / ${p.total}`}
            {percent !== null && ` · ${Math.round(percent)}%`}
            {job.status === 'running' && p?.etaSeconds != null && p.etaSeconds > 0 && ` · about ${formatDuration(p.etaSeconds)} left`}
          </span>
        </div>
      )}
    </div>
  );
}
