import type { Job } from '@qlora-studio/contracts';
import { ArrowRight, Gauge, Play, RotateCcw } from 'lucide-react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { useJobEvents } from '../../../lib/jobs/api/list-job-events';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { jobPath } from '../../../components/jobs/job-row';
import { JobProgress, JobStatusBadge } from '../../../components/jobs/job-status';
import { parseSystemCheckResult, SystemCheckResultView } from '../../../components/jobs/system-check-result';
import { PermissionButton } from '../../../components/system/permission-button';
import { useLaunchSystemCheck } from './use-launch-system-check';

/** The result of a finished check: from the job, or else from its stored `result` event. */
function CheckResult({ job }: { job: Job }) {
  const fromJob = parseSystemCheckResult(job.result);
  const events = useJobEvents(job.id, 'result', !fromJob);
  const last = events.data?.events.at(-1);
  const fromEvents = parseSystemCheckResult(last?.kind === 'result' ? last.data : null);
  const result = fromJob ?? fromEvents;
  if (result) return <SystemCheckResultView result={result} />;
  if (events.isPending && !fromJob) return <Skeleton className="h-40" />;
  return <p className="text-sm text-fg-muted">The check finished but its result could not be read. Open the job to see its log.</p>;
}

function CheckBody({ job }: { job: Job }) {
  switch (job.status) {
    case 'queued':
    case 'running':
      return (
        <div className="flex flex-col gap-3" aria-live="polite">
          <p className="text-fg-muted">
            {job.status === 'queued'
              ? 'Waiting for a free slot; it starts when the jobs ahead of it finish.'
              : 'Measuring matrix-multiply speed at several thread counts. Keep other heavy programs closed for a fair reading.'}
          </p>
          <JobProgress job={job} />
        </div>
      );
    case 'succeeded':
      return <CheckResult job={job} />;
    case 'failed':
      return (
        <Alert tone="danger" title="The system check failed" role="alert">
          <p>{job.error?.message ?? 'It stopped with an error.'}</p>
          {job.error?.hint && <p className="mt-1">What to try: {job.error.hint}</p>}
        </Alert>
      );
    case 'canceled':
      return <p className="text-fg-muted">The last check was canceled before it finished. Run it again for a result.</p>;
    case 'interrupted':
      return (
        <Alert tone="warning" title="The last check was interrupted">
          The server stopped while it was running. Run it again for a result.
        </Alert>
      );
  }
}

/** Launch a system check and see it run and finish, live. */
export function SystemCheckCard() {
  const jobs = useJobs({ type: 'system-check', limit: 1 });
  const { launch, isPending } = useLaunchSystemCheck();
  const job = jobs.data?.jobs[0];
  const active = job?.status === 'queued' || job?.status === 'running';

  return (
    <Card className="flex flex-col" aria-labelledby="system-check-title">
      <CardHeader>
        <div>
          <CardTitle id="system-check-title">System check</CardTitle>
          <CardDescription>
            {job ? (
              <>
                Last run <RelativeTime date={job.createdAt} />
              </>
            ) : (
              'How fast this machine trains and runs models'
            )}
          </CardDescription>
        </div>
        {job && <JobStatusBadge status={job.status} />}
      </CardHeader>
      <CardContent className="flex-1">
        {jobs.isPending ? (
          <Skeleton className="h-32" />
        ) : jobs.isError ? (
          <Alert tone="danger" title="Past checks could not be loaded">
            {'hint' in jobs.error ? String(jobs.error.hint) : 'Reload the page.'}
          </Alert>
        ) : job ? (
          <CheckBody job={job} />
        ) : (
          <EmptyState icon={Gauge} title="No system check yet">
            A one-minute benchmark of this machine’s CPU, memory and disk. Its speed feeds the training time estimates.
          </EmptyState>
        )}
      </CardContent>
      <CardFooter className="justify-between">
        <PermissionButton permission="jobs:launch" onClick={launch} loading={isPending} disabled={active}>
          {job ? <RotateCcw aria-hidden /> : <Play aria-hidden />}
          {active ? 'Check in progress' : job ? 'Run again' : 'Run system check'}
        </PermissionButton>
        {job && (
          <Button asChild variant="ghost">
            <Link to={jobPath(job.id)}>
              {active ? 'Watch the live log' : 'Details and log'} <ArrowRight aria-hidden />
            </Link>
          </Button>
        )}
      </CardFooter>
    </Card>
  );
}
