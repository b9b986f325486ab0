import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys, jobKeys } from '../../../lib/query-keys';

export const cancelEvaluationBatch = (batchId: string) => api.call('cancelEvaluationBatch', { params: { batchId } });
export const retryEvaluationBatch = (batchId: string) => api.call('retryEvaluationBatch', { params: { batchId } });

function useBatchMutation<T>(fn: (batchId: string) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.results() });
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
    },
  });
}

/** Cancel a batch's queued and running jobs (finished ones keep their results). */
export const useCancelEvaluationBatch = () => useBatchMutation(cancelEvaluationBatch);
/** Queue again the batch's jobs that failed, were canceled or interrupted. */
export const useRetryEvaluationBatch = () => useBatchMutation(retryEvaluationBatch);
