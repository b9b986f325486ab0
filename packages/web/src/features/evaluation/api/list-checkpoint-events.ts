import { useQuery } from '@tanstack/react-query';
import { jobEventsQueryOptions } from '../../../lib/jobs/api/list-job-events';
import type { FineTuneOption } from '../launch';

/**
 * A fine-tune's `artifact` events (every checkpoint it saved is one), shared with the job
 * views' cache. A finished fine-tune's events never change; a running one's gain a checkpoint
 * every few steps, so they are refetched whenever asked for and every half minute while shown.
 */
export const checkpointEventsQueryOptions = (fineTune: Pick<FineTuneOption, 'jobId' | 'running'>) => ({
  ...jobEventsQueryOptions(fineTune.jobId, 'artifact'),
  staleTime: fineTune.running ? 0 : Infinity,
});

export const useCheckpointEvents = (fineTune: FineTuneOption, enabled: boolean) =>
  useQuery({ ...checkpointEventsQueryOptions(fineTune), enabled, refetchInterval: fineTune.running && enabled ? 30_000 : false });
