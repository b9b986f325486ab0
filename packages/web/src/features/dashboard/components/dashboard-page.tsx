import { PageHeader } from '../../../components/ui/page-header';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { ActivityTimeline } from './activity-timeline';
import { HealthMonitor } from './health-monitor';
import { OverviewCards } from './overview-cards';
import { QuickActions } from './quick-actions';
import { RecentJobs } from './recent-jobs';
import { SystemCheckCard } from './system-check-card';
import { useLaunchSystemCheck } from './use-launch-system-check';

export default function DashboardPage() {
  const jobs = useJobs({ limit: 100 });
  const { launch, isPending } = useLaunchSystemCheck();
  const checkActive = !!jobs.data?.jobs.some((j) => j.type === 'system-check' && (j.status === 'queued' || j.status === 'running'));
  return (
    <>
      <PageHeader title="Dashboard" description="Your workspace at a glance: what is running, how the machine is doing, and what happened lately." />
      <div className="flex flex-col gap-6">
        <OverviewCards />
        <div className="grid grid-cols-1 items-start gap-6 xl:grid-cols-5">
          <div className="xl:col-span-3">
            <ActivityTimeline />
          </div>
          <div className="flex flex-col gap-6 xl:col-span-2">
            <QuickActions onSystemCheck={launch} checkPending={isPending} checkActive={checkActive} />
            <HealthMonitor />
          </div>
        </div>
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-5">
          <div className="xl:col-span-3">
            <SystemCheckCard />
          </div>
          <div className="xl:col-span-2">
            <RecentJobs />
          </div>
        </div>
      </div>
    </>
  );
}
