import type { LaunchEvaluationBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys, jobKeys } from '../../../lib/query-keys';

export const launchEvaluation = (body: LaunchEvaluationBody) => api.call('launchEvaluation', { body });

/** Queue a batch: one evaluate job per model × benchmark. */
export function useLaunchEvaluation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: launchEvaluation,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.results() });
      void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
    },
  });
}
