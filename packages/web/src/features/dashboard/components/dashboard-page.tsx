import { Gauge } from 'lucide-react';
import { PageHeader } from '../../../components/ui/page-header';
import { ActivityFeed } from '../../activity/components/activity-feed';
import { useJobs } from '../../jobs/api/list-jobs';
import { PermissionButton } from '../../system/components/permission-button';
import { HealthMonitor } from './health-monitor';
import { RecentJobs } from './recent-jobs';
import { StatCards } from './stat-cards';
import { SystemCheckCard } from './system-check-card';
import { useLaunchSystemCheck } from './use-launch-system-check';

export default function DashboardPage() {
  const jobs = useJobs({ limit: 100 });
  const { launch, isPending } = useLaunchSystemCheck();
  const checkActive = jobs.data?.jobs.some((j) => j.type === 'system-check' && (j.status === 'queued' || j.status === 'running'));
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Your workspace at a glance: what is running, how the machine is doing, and what happened lately."
        actions={
          <PermissionButton permission="jobs:launch" size="lg" onClick={launch} loading={isPending} disabled={checkActive}>
            <Gauge aria-hidden /> Run system check
          </PermissionButton>
        }
      />
      <div className="flex flex-col gap-6">
        <StatCards jobs={jobs.data?.jobs} loading={jobs.isPending && !jobs.isError} failed={jobs.isError && !jobs.data} />
        <div className="grid gap-6 xl:grid-cols-5">
          <div className="xl:col-span-3">
            <SystemCheckCard />
          </div>
          <div className="xl:col-span-2">
            <HealthMonitor />
          </div>
        </div>
        <div className="grid gap-6 xl:grid-cols-5">
          <div className="xl:col-span-3">
            <RecentJobs />
          </div>
          <div className="xl:col-span-2">
            <ActivityFeed limit={8} />
          </div>
        </div>
      </div>
    </>
  );
}
