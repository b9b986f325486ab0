import { jobResult, type EvaluationSummary } from '@qlora-studio/contracts';
import { BarChart3, ExternalLink, RotateCcw, Square, Zap } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { JobProgress, JobStatusBadge, statusMeta } from '../../../components/jobs/job-status';
import { PermissionButton } from '../../../components/system/permission-button';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { RelativeTime } from '../../../components/ui/relative-time';
import { useJob } from '../../../lib/jobs/api/get-job';
import { useCancelEvaluationBatch, useRetryEvaluationBatch } from '../api/batch-actions';
import { batchActive, comparisons, formatMetric, headlineMetric, retryable, type BatchGroup } from '../batches';
import { useEvaluationTab } from '../use-evaluation-tab';

/** "Tiny Llama + qa v1, r 16" or just the model. */
export const modelLabel = (e: EvaluationSummary) => (e.adapter ? `${e.model.name} + ${e.adapter.label}` : e.model.name);

function countsLine(group: BatchGroup): string {
  return Object.entries(group.counts)
    .map(([status, n]) => `${n} ${statusMeta[status as keyof typeof statusMeta].label.toLowerCase()}`)
    .join(', ');
}

/** One batch of the queue: its jobs, the batch actions, and the comparisons it makes possible. */
export function BatchCard({ group }: { group: BatchGroup }) {
  const { open } = useEvaluationTab();
  const cancel = useCancelEvaluationBatch();
  const retry = useRetryEvaluationBatch();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const active = batchActive(group);
  const toRetry = retryable(group);
  const titleId = `batch-${group.key}-title`;
  const title = group.batchId ? `Batch ${group.batchId.slice(-8)}` : 'Single evaluation';
  const compare = comparisons(group.jobs);

  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div className="min-w-0">
          <CardTitle as="h3" id={titleId}>
            {title}
          </CardTitle>
          <CardDescription>
            Queued <RelativeTime date={group.jobs[0]!.createdAt} /> · {group.jobs.length} job{group.jobs.length === 1 ? '' : 's'}: {countsLine(group)}
          </CardDescription>
        </div>
        {group.batchId && (
          <div className="flex flex-wrap gap-2">
            {active && (
              <PermissionButton permission="jobs:launch" variant="danger-outline" aria-label={`Cancel ${title}`} onClick={() => setConfirmCancel(true)}>
                <Square aria-hidden />
                Cancel batch
              </PermissionButton>
            )}
            {toRetry.length > 0 && (
              <PermissionButton
                permission="jobs:launch"
                variant="secondary"
                aria-label={`Retry the failed jobs of ${title}`}
                loading={retry.isPending}
                onClick={() =>
                  retry.mutate(group.batchId!, {
                    onSuccess: (b) => toast.success(`Queued ${b.jobs.length} job${b.jobs.length === 1 ? '' : 's'} again.`),
                  })
                }
              >
                <RotateCcw aria-hidden />
                Retry failed ({toRetry.length})
              </PermissionButton>
            )}
          </div>
        )}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {cancel.isError && <ApiErrorAlert title="The batch was not canceled" error={cancel.error} />}
        {retry.isError && <ApiErrorAlert title="The failed jobs were not queued again" error={retry.error} />}
        {compare.length > 0 && (
          <ul aria-label={`Comparisons in ${title}`} className="flex flex-col gap-2">
            {compare.map((c) => (
              <li key={c.jobIds.join(',')} className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-surface-muted px-3 py-2">
                <span className="text-sm">
                  <span className="font-medium">{c.benchmark.name}</span> v{c.benchmark.version}
                  {c.limit !== null && ` (first ${c.limit} items)`}: {c.jobIds.length} models
                  {c.blocked && <span className="block text-fg-muted">{c.blocked}</span>}
                </span>
                <Button
                  variant={c.blocked ? 'secondary' : 'primary'}
                  disabled={c.blocked !== null}
                  aria-label={`Compare results on ${c.benchmark.name}`}
                  onClick={() => open('results', { jobs: c.jobIds.join(','), benchmark: c.benchmark.id })}
                >
                  <BarChart3 aria-hidden />
                  Compare results
                </Button>
              </li>
            ))}
          </ul>
        )}
        <ul aria-label={`Jobs in ${title}`} className="flex flex-col divide-y divide-line">
          {group.jobs.map((e) => (
            <JobRow key={e.jobId} evaluation={e} />
          ))}
        </ul>
      </CardContent>
      <ConfirmDialog
        open={confirmCancel}
        onOpenChange={setConfirmCancel}
        title={`Cancel ${title}?`}
        description="Queued jobs are canceled at once and running ones are asked to stop. Finished jobs keep their results; Retry failed queues the stopped ones again."
        confirmLabel="Cancel batch"
        cancelLabel="Keep running"
        destructive
        busy={cancel.isPending}
        onConfirm={() =>
          cancel.mutate(group.batchId!, {
            onSuccess: (r) => toast.success(`Canceled ${r.canceled} job${r.canceled === 1 ? '' : 's'}.`),
            onSettled: () => setConfirmCancel(false),
          })
        }
      />
    </Card>
  );
}

function JobRow({ evaluation: e }: { evaluation: EvaluationSummary }) {
  const metric = headlineMetric(e.metrics);
  const label = `${modelLabel(e)} on ${e.benchmark.name}`;
  return (
    <li className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0" aria-label={label}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium break-words">{modelLabel(e)}</p>
          <p className="text-sm text-fg-muted">
            {e.benchmark.name} v{e.benchmark.version}
            {e.limit !== null && `, first ${e.limit} items`} · {e.quant === 'nf4' ? `NF4${e.kernels ? `, ${e.kernels} kernels` : ''}` : 'float32'}
            {e.parentId && ' · retry'}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {e.cached && (
            <Badge tone="primary">
              <Zap aria-hidden />
              Cached
            </Badge>
          )}
          <JobStatusBadge status={e.status} />
        </div>
      </div>
      {(e.status === 'queued' || e.status === 'running') && <JobProgress job={{ status: e.status, progress: e.progress, title: label }} />}
      {e.status === 'succeeded' && e.metrics && (
        <p className="text-sm">
          {metric && (
            <>
              <span className="text-fg-muted">{metric.name.replace(/_/g, ' ')}:</span>{' '}
              <span className="font-semibold tabular-nums">{formatMetric(metric.name, metric.value)}</span>
            </>
          )}
          {Object.entries(e.metrics)
            .filter(([name]) => name !== metric?.name)
            .slice(0, 4)
            .map(([name, value]) => (
              <span key={name} className="text-fg-muted">
                {' · '}
                {name.replace(/_/g, ' ')} {formatMetric(name, value)}
              </span>
            ))}
        </p>
      )}
      {e.cached && <CachedNote jobId={e.jobId} />}
      {e.status === 'failed' && e.error && (
        <div role="note" className="rounded-lg border border-danger/30 bg-danger-soft p-3 text-sm">
          <p className="font-medium">{e.error.message}</p>
          {e.error.hint && <p className="mt-1 text-fg-muted">What to do: {e.error.hint}</p>}
        </div>
      )}
      <Link
        to={`/activity/jobs/${e.jobId}`}
        className="inline-flex min-h-11 w-fit items-center gap-1 text-sm text-primary-text underline-offset-4 hover:underline"
      >
        Details in Activity
        <span className="sr-only"> for {label}</span>
        <ExternalLink className="size-4" aria-hidden />
      </Link>
    </li>
  );
}

/** Which job computed a cached result (only the job itself records it, so it is fetched for cached rows alone). */
function CachedNote({ jobId }: { jobId: string }) {
  const job = useJob(jobId);
  const from = jobResult(job.data, 'evaluate')?.cachedFrom ?? null;
  return (
    <p className="text-sm text-fg-muted">
      Instant: same model, files and settings as{' '}
      {from ? (
        <Link to={`/activity/jobs/${from}`} className="text-primary-text underline underline-offset-4">
          job {from.slice(-8)}
        </Link>
      ) : (
        'an earlier job'
      )}
      , so its result was reused.
    </p>
  );
}
