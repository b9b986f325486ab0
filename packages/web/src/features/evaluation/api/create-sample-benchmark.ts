import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, evaluationKeys } from '../../../lib/query-keys';

export const createSampleBenchmark = (sampleId: string) => api.call('createSampleBenchmark', { params: { sampleId }, body: {} });

/** Add a built-in sample: its data becomes a dataset and a benchmark is made of it. */
export function useCreateSampleBenchmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSampleBenchmark,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.benchmarks() });
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all });
    },
  });
}
