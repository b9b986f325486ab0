import { ListChecks } from 'lucide-react';
import { Alert } from '../../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { SeeAllLink } from './see-all-link';
import { JobRow } from '../../../components/jobs/job-row';

/** The latest jobs, with live status. */
export function RecentJobs() {
  const jobs = useJobs({ limit: 100 });
  const recent = jobs.data?.jobs.slice(0, 5) ?? [];
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>Recent jobs</CardTitle>
          <CardDescription>Updates live as they run</CardDescription>
        </div>
        <SeeAllLink to="/activity">All jobs</SeeAllLink>
      </CardHeader>
      <CardContent className="px-3 pt-3 sm:px-3">
        {jobs.isPending ? (
          <div className="flex flex-col gap-3 px-3">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} className="h-14" />
            ))}
          </div>
        ) : jobs.isError ? (
          <Alert tone="danger" title="Jobs could not be loaded" className="mx-3">
            {isApiClientError(jobs.error) ? jobs.error.hint : 'Reload the page.'}
          </Alert>
        ) : recent.length ? (
          <ul className="flex flex-col divide-y divide-line">
            {recent.map((job) => (
              <JobRow key={job.id} job={job} />
            ))}
          </ul>
        ) : (
          <EmptyState icon={ListChecks} title="No jobs yet">
            Jobs you launch show up here with their live status.
          </EmptyState>
        )}
      </CardContent>
    </Card>
  );
}
