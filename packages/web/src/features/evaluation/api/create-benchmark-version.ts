import type { CreateBenchmarkVersionBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, evaluationKeys } from '../../../lib/query-keys';

export const createBenchmarkVersion = (id: string, body: CreateBenchmarkVersionBody) => api.call('createBenchmarkVersion', { params: { id }, body });

/** Edit a benchmark: a new version (the old ones stay, so earlier results still say what they measured). */
export function useCreateBenchmarkVersion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: CreateBenchmarkVersionBody }) => createBenchmarkVersion(id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: evaluationKeys.benchmarks() });
      void queryClient.invalidateQueries({ queryKey: datasetKeys.all });
    },
  });
}
