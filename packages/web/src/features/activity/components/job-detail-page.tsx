import { jobTypeLabels, processMetricNames, type Job } from '@qlora-studio/contracts';
import { ArrowLeft, Copy } from 'lucide-react';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { useJob } from '../../../lib/jobs/api/get-job';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { JobStatusBadge, statusMeta } from '../../../components/jobs/job-status';
import { LogViewer } from '../../../components/jobs/log-viewer';
import { isChartedTrainingMetric } from '../../../components/jobs/charted-metrics';
import { MetricsCharts } from '../../../components/jobs/metrics-charts';
import { MetricsPanel } from '../../../components/jobs/metrics-panel';
import { parseSystemCheckResult, SystemCheckResultView } from '../../../components/jobs/system-check-result';
import type { MetricPoint } from '../../../lib/jobs/job-stream';
import { useJobStream } from '../../../lib/jobs/use-job-stream';
import { copyText } from '../../../components/copy-button';
import { useJobActions } from './job-actions';
import { JobArtifacts } from './job-artifacts';
import { JobConfig, JobLineage } from './job-config';
import { JobOutcome, JobProgressDetail } from './job-progress-card';

const backLink = (
  <Link to="/activity" className="inline-flex min-h-11 items-center gap-1.5 text-sm font-medium text-primary-text hover:underline">
    <ArrowLeft className="size-4" aria-hidden /> Activity
  </Link>
);

const processNames: string[] = Object.values(processMetricNames);

/** Splits a job's metrics into the fine-tune charts, the process charts and the rest. */
function splitMetrics(metrics: Record<string, MetricPoint[]>, isTrain: boolean) {
  const training: Record<string, MetricPoint[]> = {};
  const process: Record<string, MetricPoint[]> = {};
  const other: Record<string, MetricPoint[]> = {};
  for (const [name, points] of Object.entries(metrics)) {
    if (processNames.includes(name)) process[name] = points;
    else if (isTrain && isChartedTrainingMetric(name)) training[name] = points;
    else if (!isTrain) other[name] = points;
  }
  return { training, process, other };
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>{title}</CardTitle>
          {description && <CardDescription>{description}</CardDescription>}
        </div>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

export default function JobDetailPage() {
  const { jobId = '' } = useParams();
  const jobQuery = useJob(jobId);
  const { state: stream, connection } = useJobStream(jobId, !jobQuery.isError);
  const jobs = useJobs({ limit: 200 });

  // The stream knows status and progress first; the job query fills in the rest.
  const job: Job | undefined = jobQuery.data && {
    ...jobQuery.data,
    ...(stream.status && { status: stream.status, error: stream.error ?? jobQuery.data.error }),
    ...(stream.progress && { progress: stream.progress }),
  };
  const { buttons, dialog } = useJobActions(job);
  const isTrain = job?.type === 'train';
  const metrics = useMemo(() => splitMetrics(stream.metrics, isTrain), [stream.metrics, isTrain]);
  const children = useMemo(() => (jobs.data?.jobs ?? []).filter((j) => j.parentId === jobId), [jobs.data, jobId]);
  const active = !!job && (job.status === 'queued' || job.status === 'running');
  const result = parseSystemCheckResult(stream.result?.data ?? job?.result);

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

  const hasProcess = Object.keys(metrics.process).length > 0;
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
              onClick={() => copyText(job.id, 'Job id')}
              className="tap-target inline-flex items-center gap-1 font-mono text-sm text-fg-muted hover:text-fg"
              aria-label={`Copy job id ${job.id}`}
            >
              {job.id} <Copy className="size-3.5" aria-hidden />
            </button>
          </span>
        }
        actions={buttons}
      />

      <div className="flex flex-col gap-6">
        <p className="sr-only" role="status" aria-live="polite">
          Job {statusMeta[job.status].label.toLowerCase()}.
        </p>
        <JobOutcome job={job} />
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
          <CardContent>
            <JobProgressDetail job={job} samples={stream.progressSamples} />
          </CardContent>
        </Card>

        {result && (
          <Section title="Result">
            <SystemCheckResultView result={result} />
          </Section>
        )}

        {isTrain && (
          <Section title="Training" description={active ? 'Updating live, by optimizer step' : 'By optimizer step'}>
            <MetricsCharts metrics={metrics.training} specs="training" />
          </Section>
        )}

        {(hasProcess || (isTrain && active)) && (
          <Section title="Resources" description="The job's own process: CPU, memory and the disk its outputs take, by seconds since it started">
            <MetricsCharts metrics={metrics.process} specs="process" />
          </Section>
        )}

        {Object.keys(metrics.other).length > 0 && (
          <Section title="Metrics">
            <MetricsPanel metrics={metrics.other} />
          </Section>
        )}

        {(isTrain || stream.artifacts.length > 0) && (
          <Section title="Artifacts" description="Files the job wrote">
            <JobArtifacts artifacts={stream.artifacts} />
          </Section>
        )}

        <div className="grid items-start gap-6 lg:grid-cols-2">
          <Section title="Settings">
            <JobConfig job={job} />
          </Section>
          <Section title="Lineage" description="What it was made from, and the jobs made from it">
            <JobLineage job={job} childJobs={children} />
          </Section>
        </div>

        <Section title="Log" description={active ? 'Streaming as the job writes it' : 'Everything the job wrote'}>
          <LogViewer
            lines={stream.logs}
            droppedLines={stream.droppedLogs}
            live={active}
            fileName={`${job.type}-${job.id}`}
            status={stream.status}
            statusAt={stream.statusAt}
          />
        </Section>
      </div>
      {dialog}
    </>
  );
}
