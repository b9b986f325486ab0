import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, evaluationKeys } from '../../../lib/query-keys';

export const deleteBenchmark = (id: string) => api.call('deleteBenchmark', { params: { id } });

/** Delete a benchmark and all its versions (409 BENCHMARK_IN_USE while an evaluation on it is queued or running). */
export function useDeleteBenchmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteBenchmark,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.benchmarks() });
      // Its dataset may be deletable now.
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all });
    },
  });
}
