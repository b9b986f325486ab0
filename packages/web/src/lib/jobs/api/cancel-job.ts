import type { Job } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api-client';
import { jobKeys } from '../../query-keys';

export const cancelJob = (id: string) => api.call('cancelJob', { params: { id } });

/** Asks a queued or running job to stop; it stops cleanly, or by force after the grace period. */
export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelJob,
    onSuccess: (job: Job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
    },
    meta: { errorTitle: 'The job could not be canceled' },
  });
}
