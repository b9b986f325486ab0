import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api-client';
import { activityKeys, jobKeys } from '../../query-keys';

export const deleteJob = (id: string) => api.call('deleteJob', { params: { id } });

/** Deletes a finished job with its events and metrics. */
export function useDeleteJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteJob,
    onSuccess: (_: void, id: string) => {
      queryClient.removeQueries({ queryKey: jobKeys.detail(id) });
      queryClient.removeQueries({ queryKey: jobKeys.events(id) });
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    },
    meta: { errorTitle: 'The job could not be deleted' },
  });
}
