import type { Job } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api-client';
import { jobKeys } from '../../query-keys';

export const renameJob = ({ id, title }: { id: string; title: string }) => api.call('updateJob', { params: { id }, body: { title } });

/** Renames a job; the detail cache takes the reply and the lists refetch. */
export function useRenameJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameJob,
    onSuccess: (job: Job) => {
      queryClient.setQueryData(jobKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
    },
    meta: { errorTitle: 'The job could not be renamed' },
  });
}
