import type { CreateBenchmarkBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, evaluationKeys } from '../../../lib/query-keys';

export const createBenchmark = (body: CreateBenchmarkBody) => api.call('createBenchmark', { body });

/** Create a benchmark (its version 1). A benchmark keeps its dataset from deletion, so the dataset list refreshes too. */
export function useCreateBenchmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBenchmark,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.benchmarks() });
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all });
    },
  });
}
