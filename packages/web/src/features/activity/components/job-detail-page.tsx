import { isTerminal, jobTypeLabels, type Job } from '@qlora-studio/contracts';
import { ArrowLeft, Ban, Copy, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { toast } from 'sonner';
import { Alert } from '../../../components/ui/alert';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { useRegisterCommands, type Command } from '../../../lib/commands';
import { formatDuration, secondsBetween } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';
import { useCancelJob } from '../../jobs/api/cancel-job';
import { useDeleteJob } from '../../jobs/api/delete-job';
import { useJob } from '../../jobs/api/get-job';
import { JobProgress, JobStatusBadge, statusMeta } from '../../jobs/components/job-status';
import { LogViewer } from '../../jobs/components/log-viewer';
import { MetricsPanel } from '../../jobs/components/metrics-panel';
import { parseSystemCheckResult, SystemCheckResultView } from '../../jobs/components/system-check-result';
import { useJobStream } from '../../jobs/use-job-stream';
import { usePermission } from '../../system/api/get-session';
import { PermissionButton } from '../../system/components/permission-button';

const backLink = (
  <Link to="/activity" className="inline-flex min-h-11 items-center gap-1.5 text-sm font-medium text-primary-text hover:underline">
    <ArrowLeft className="size-4" aria-hidden /> Activity
  </Link>
);

function Timing({ job }: { job: Job }) {
  const now = useNow();
  const rows: [string, React.ReactNode][] = [
    ['Created', <RelativeTime key="c" date={job.createdAt} />],
    ['Started', job.startedAt ? <RelativeTime key="s" date={job.startedAt} /> : 'Not yet'],
    ['Finished', job.finishedAt ? <RelativeTime key="f" date={job.finishedAt} /> : isTerminal(job.status) ? '—' : 'Not yet'],
    ['Duration', job.startedAt ? formatDuration(secondsBetween(job.startedAt, job.finishedAt, now)) : '—'],
  ];
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt className="text-sm text-fg-muted">{label}</dt>
          <dd className="font-medium">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Outcome({ job }: { job: Job }) {
  if (job.status === 'failed')
    return (
      <Alert tone="danger" title="This job failed" role="alert">
        <p>{job.error?.message ?? 'It stopped with an error; the log below has the details.'}</p>
        {job.error?.hint && <p className="mt-1 font-medium text-fg">What to try: {job.error.hint}</p>}
      </Alert>
    );
  if (job.status === 'interrupted')
    return (
      <Alert tone="warning" title="This job was interrupted">
        The server stopped while it was running, so it did not finish. Launch it again to get a result.
      </Alert>
    );
  if (job.status === 'canceled')
    return <Alert title="This job was canceled">It was stopped on request before it finished. Its log up to that point is kept below.</Alert>;
  return null;
}

export default function JobDetailPage() {
  const { jobId = '' } = useParams();
  const navigate = useNavigate();
  const jobQuery = useJob(jobId);
  const { state: stream, connection } = useJobStream(jobId, !jobQuery.isError);
  const cancel = useCancelJob();
  const remove = useDeleteJob();
  const canCancel = usePermission('jobs:cancel');
  const [confirmDelete, setConfirmDelete] = useState(false);

  // The stream knows status and progress first; the job query fills in the rest.
  const job: Job | undefined = jobQuery.data && {
    ...jobQuery.data,
    ...(stream.status && { status: stream.status, error: stream.error ?? jobQuery.data.error }),
    ...(stream.progress && { progress: stream.progress }),
  };
  const active = !!job && !isTerminal(job.status);
  const result = parseSystemCheckResult(stream.result?.data ?? job?.result);

  const cancelJob = cancel.mutate;
  const commands = useMemo<Command[]>(
    () =>
      active && canCancel.allowed
        ? [{ id: 'job.cancel', title: 'Cancel this job', group: 'This job', keywords: ['stop'], icon: Ban, run: () => cancelJob(jobId) }]
        : [],
    [active, canCancel.allowed, cancelJob, jobId],
  );
  useRegisterCommands(commands);

  if (jobQuery.isPending)
    return (
      <div aria-busy="true" aria-label="Loading the job">
        <div className="mb-6">{backLink}</div>
        <Skeleton className="mb-6 h-10 w-72" />
        <Skeleton className="h-40" />
      </div>
    );
  if (jobQuery.isError || !job)
    return (
      <>
        <PageHeader eyebrow={backLink} title="Job not available" />
        <Alert tone="danger" title={jobQuery.error?.message ?? 'The job could not be loaded.'}>
          {isApiClientError(jobQuery.error) ? jobQuery.error.hint : 'Go back to Activity.'}
        </Alert>
      </>
    );

  const copyId = () =>
    navigator.clipboard?.writeText(job.id).then(
      () => toast.success('Job id copied'),
      () => toast.error('Could not copy', { description: 'Your browser blocked the clipboard. Select the id and copy it by hand.' }),
    );

  return (
    <>
      <PageHeader
        eyebrow={backLink}
        title={job.title}
        documentTitle={`${job.title} (${statusMeta[job.status].label})`}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <JobStatusBadge status={job.status} />
            {job.title !== jobTypeLabels[job.type] && <span>{jobTypeLabels[job.type] ?? job.type}</span>}
            <button
              type="button"
              onClick={copyId}
              className="tap-target inline-flex items-center gap-1 font-mono text-sm text-fg-muted hover:text-fg"
              aria-label={`Copy job id ${job.id}`}
            >
              {job.id} <Copy className="size-3.5" aria-hidden />
            </button>
          </span>
        }
        actions={
          active ? (
            <PermissionButton
              permission="jobs:cancel"
              variant="danger-outline"
              loading={cancel.isPending || !!job.cancelRequestedAt}
              onClick={() => cancel.mutate(job.id, { onSuccess: () => toast('Stopping the job', { description: 'It stops cleanly, or by force after the grace period.' }) })}
            >
              <Ban aria-hidden /> {job.cancelRequestedAt ? 'Stopping…' : 'Cancel job'}
            </PermissionButton>
          ) : (
            <PermissionButton permission="jobs:delete" variant="danger-outline" onClick={() => setConfirmDelete(true)}>
              <Trash2 aria-hidden /> Delete job
            </PermissionButton>
          )
        }
      />

      <div className="flex flex-col gap-6">
        <p className="sr-only" role="status" aria-live="polite">
          Job {statusMeta[job.status].label.toLowerCase()}.
        </p>
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Progress</CardTitle>
              <CardDescription>{statusMeta[job.status].explain}</CardDescription>
            </div>
            <span className="text-sm font-medium text-fg-muted">
              {connection === 'open' ? 'Live' : connection === 'reconnecting' ? 'Reconnecting to the live stream…' : active ? 'Connecting…' : ''}
            </span>
          </CardHeader>
          <CardContent className="flex flex-col gap-6">
            <JobProgress job={job} />
            <Outcome job={job} />
            <Timing job={job} />
          </CardContent>
        </Card>

        {result && (
          <Card>
            <CardHeader>
              <CardTitle>Result</CardTitle>
            </CardHeader>
            <CardContent>
              <SystemCheckResultView result={result} />
            </CardContent>
          </Card>
        )}

        {Object.keys(stream.metrics).length > 0 && (
          <Card>
            <CardHeader>
              <CardTitle>Metrics</CardTitle>
            </CardHeader>
            <CardContent>
              <MetricsPanel metrics={stream.metrics} />
            </CardContent>
          </Card>
        )}

        <Card>
          <CardHeader>
            <div>
              <CardTitle>Log</CardTitle>
              <CardDescription>{active ? 'Streaming as the job writes it' : 'Everything the job wrote'}</CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <LogViewer lines={stream.logs} droppedLines={stream.droppedLogs} live={active} fileName={`${job.type}-${job.id}`} />
          </CardContent>
        </Card>
      </div>

      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title="Delete this job?"
        description="Its log, metrics and result are deleted too. This cannot be undone."
        confirmLabel="Delete job"
        destructive
        busy={remove.isPending}
        onConfirm={() =>
          remove.mutate(job.id, {
            onSuccess: () => {
              setConfirmDelete(false);
              toast.success('Job deleted');
              navigate('/activity');
            },
          })
        }
      />
    </>
  );
}
