import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { actionToastMs } from '../../../lib/toast-timing';
import { useCreateJob } from '../../../lib/jobs/api/create-job';
import { jobPath } from '../../../components/jobs/job-row';

/** Queues a system check and says so; the dashboard card then follows it live. */
export function useLaunchSystemCheck() {
  const createJob = useCreateJob();
  const navigate = useNavigate();
  const launch = () =>
    createJob.mutate(
      { type: 'system-check', config: {} },
      {
        onSuccess: (job) =>
          toast.success('System check started', {
            description: 'It measures this machine’s speed; it takes about a minute.',
            duration: actionToastMs,
            action: { label: 'View log', onClick: () => navigate(jobPath(job.id)) },
          }),
      },
    );
  return { launch, isPending: createJob.isPending };
}
