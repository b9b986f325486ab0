import type { Job, JobStatus } from '@qlora-studio/contracts';
import { ListChecks } from 'lucide-react';
import { useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { PageHeader } from '../../../components/ui/page-header';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { useLiveStatus } from '../../../lib/live-status';
import { useJobs } from '../../jobs/api/list-jobs';
import { JobRow } from '../../jobs/components/job-row';
import { StatusDot } from '../../system/components/health-status';
import { ActivityFeed } from './activity-feed';

const filters: { value: string; label: string; statuses: JobStatus[] | null }[] = [
  { value: 'all', label: 'All', statuses: null },
  { value: 'active', label: 'Active', statuses: ['queued', 'running'] },
  { value: 'succeeded', label: 'Succeeded', statuses: ['succeeded'] },
  { value: 'problems', label: 'Failed', statuses: ['failed', 'interrupted'] },
  { value: 'canceled', label: 'Canceled', statuses: ['canceled'] },
];

const matches = (job: Job, statuses: JobStatus[] | null) => !statuses || statuses.includes(job.status);

export default function ActivityPage() {
  const [params, setParams] = useSearchParams();
  const filter = filters.find((f) => f.value === params.get('show')) ?? filters[0]!;
  const jobs = useJobs({ limit: 100 });
  const live = useLiveStatus();
  const all = jobs.data?.jobs ?? [];
  const shown = all.filter((j) => matches(j, filter.statuses));

  return (
    <>
      <PageHeader
        title="Activity"
        description="Every job in this workspace, updating live. Open one for its progress and log."
        actions={
          <span className="inline-flex items-center gap-2 text-sm font-medium text-fg-muted" role="status">
            <StatusDot level={live === 'open' ? 'ok' : live === 'reconnecting' ? 'degraded' : 'checking'} pulse={live === 'open'} />
            {live === 'open' ? 'Live updates on' : live === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
          </span>
        }
      />
      <div className="grid items-start gap-6 xl:grid-cols-3">
        <Card className="xl:col-span-2">
          <CardHeader className="items-center">
            <CardTitle id="jobs-title">Jobs</CardTitle>
            <Segmented
              value={filter.value}
              onValueChange={(value) => setParams(value === 'all' ? {} : { show: value }, { replace: true })}
              aria-label="Show jobs"
            >
              {filters.map((f) => (
                <SegmentedItem key={f.value} value={f.value}>
                  {f.label}
                  <span className="text-xs tabular-nums opacity-80">{all.filter((j) => matches(j, f.statuses)).length}</span>
                </SegmentedItem>
              ))}
            </Segmented>
          </CardHeader>
          <CardContent className="px-3 pt-4 sm:px-3">
            {jobs.isPending ? (
              <div className="flex flex-col gap-3 px-3">
                {[0, 1, 2, 3].map((i) => (
                  <Skeleton key={i} className="h-16" />
                ))}
              </div>
            ) : jobs.isError ? (
              <Alert
                tone="danger"
                title="Jobs could not be loaded"
                className="mx-3"
                action={
                  <Button variant="secondary" onClick={() => jobs.refetch()}>
                    Try again
                  </Button>
                }
              >
                {isApiClientError(jobs.error) ? `${jobs.error.message} ${jobs.error.hint}` : 'Reload the page.'}
              </Alert>
            ) : shown.length ? (
              <ul aria-labelledby="jobs-title" className="flex flex-col divide-y divide-line">
                {shown.map((job) => (
                  <JobRow key={job.id} job={job} />
                ))}
              </ul>
            ) : (
              <EmptyState icon={ListChecks} title={all.length ? `No ${filter.label.toLowerCase()} jobs` : 'No jobs yet'}>
                {all.length
                  ? 'Pick another filter to see the rest.'
                  : 'Run a system check from the Dashboard to see a job appear here and run live.'}
              </EmptyState>
            )}
          </CardContent>
        </Card>
        <ActivityFeed limit={30} title="Workspace activity" />
      </div>
    </>
  );
}
