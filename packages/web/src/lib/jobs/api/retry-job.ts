import type { Job } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api-client';
import { activityKeys, jobKeys } from '../../query-keys';

export const retryJob = (id: string) => api.call('retryJob', { params: { id } });
export const resumeJob = (id: string) => api.call('resumeJob', { params: { id } });

function useNewJobMutation(mutationFn: (id: string) => Promise<Job>, errorTitle: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (job: Job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    },
    meta: { errorTitle },
  });
}

/** Queues a new job with a finished job's config; the new job names it as its parent. */
export const useRetryJob = () => useNewJobMutation(retryJob, 'The job could not be retried');

/** Continues an interrupted, canceled or failed fine-tune from its newest checkpoint, as a new job. */
export const useResumeJob = () => useNewJobMutation(resumeJob, 'The fine-tune could not be resumed');
