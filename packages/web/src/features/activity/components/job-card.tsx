import type { Job } from '@qlora-studio/contracts';
import { Box, Database } from 'lucide-react';
import { Link } from 'react-router';
import { cn } from '../../../lib/cn';
import { jobPath, JobMeta } from '../../../components/jobs/job-row';
import { JobProgress, JobStatusBadge } from '../../../components/jobs/job-status';
import { resolvedInfo } from '../board';

export interface JobCardProps {
  job: Job;
  selected: boolean;
  onSelectedChange: (selected: boolean) => void;
  /** A card on the board, or a row in the list. */
  layout: 'card' | 'row';
}

/** A checkbox with a 44px hit area and a name that says which job it selects. */
function SelectBox({ job, selected, onSelectedChange }: Omit<JobCardProps, 'layout'>) {
  return (
    <label className="tap-target grid size-11 shrink-0 cursor-pointer place-items-center rounded-lg hover:bg-surface-muted">
      <input
        type="checkbox"
        className="size-5 cursor-pointer accent-primary"
        checked={selected}
        onChange={(e) => onSelectedChange(e.target.checked)}
        aria-label={`Select ${job.title} (${job.id})`}
      />
    </label>
  );
}

/** One job: title, a fine-tune's model and dataset, status, progress, when and how long. */
export function JobCard({ job, selected, onSelectedChange, layout }: JobCardProps) {
  const info = job.type === 'train' ? resolvedInfo(job) : null;
  const active = job.status === 'running' || job.status === 'queued';
  return (
    <li
      data-job-id={job.id}
      className={cn(
        'flex gap-2 rounded-lg border bg-surface p-2 transition-colors hc:border-line-strong',
        selected ? 'border-primary bg-primary-soft' : 'border-line',
        layout === 'row' && 'items-center',
      )}
    >
      <SelectBox job={job} selected={selected} onSelectedChange={onSelectedChange} />
      <div className="flex min-w-0 flex-1 flex-col gap-1.5 py-1 pr-1">
        <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
          <Link to={jobPath(job.id)} className="min-h-11 min-w-0 content-center truncate font-medium text-fg hover:underline">
            {job.title}
          </Link>
          <JobStatusBadge status={job.status} />
        </div>
        {info && (info.modelName || info.datasetName) && (
          <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-sm text-fg-muted">
            {info.modelName && (
              <span className="inline-flex min-w-0 items-center gap-1">
                <Box className="size-4 shrink-0" aria-hidden />
                <span className="sr-only">Model:</span>
                <span className="truncate">{info.modelName}</span>
              </span>
            )}
            {info.datasetName && (
              <span className="inline-flex min-w-0 items-center gap-1">
                <Database className="size-4 shrink-0" aria-hidden />
                <span className="sr-only">Dataset:</span>
                <span className="truncate">
                  {info.datasetName}
                  {info.datasetVersion !== null && ` v${info.datasetVersion}`}
                </span>
              </span>
            )}
          </p>
        )}
        <JobMeta job={job} className="flex flex-wrap gap-x-2 text-sm text-fg-muted" />
        {active && (
          <div className="flex items-center gap-2">
            <div className="min-w-0 flex-1">
              <JobProgress job={job} compact />
            </div>
            {job.progress && job.progress.total > 0 && (
              <span className="text-xs text-fg-muted tabular-nums">
                {job.progress.step} / {job.progress.total}
              </span>
            )}
          </div>
        )}
        {job.status === 'failed' && job.error && <p className="line-clamp-2 text-sm text-danger-text">{job.error.message}</p>}
      </div>
    </li>
  );
}
