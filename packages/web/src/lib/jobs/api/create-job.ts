import type { Job, RouteInput } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api-client';
import { activityKeys, jobKeys } from '../../query-keys';

/** What the client sends: config fields may be left out and get the server's defaults. */
export type NewJob = RouteInput<'createJob'>['body'];

export const createJob = (body: NewJob) => api.call('createJob', { body });

/** Queues a job; the new job goes straight into the detail cache and the lists refetch. */
export function useCreateJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createJob,
    onSuccess: (job: Job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    },
    meta: { errorTitle: 'The job could not be started' },
  });
}
