import type { TrainJobConfig } from '@qlora-studio/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useDebouncedValue } from '../../../lib/use-debounced-value';

export const estimateTraining = (config: TrainJobConfig, signal?: AbortSignal) => api.call('estimateTraining', { body: config }, { signal });

/**
 * The server's estimate of time and peak memory for a valid config, on this machine (its
 * measured GEMM rate and free memory), asked for once the settings stop changing.
 */
export function useTrainingEstimate(config: TrainJobConfig | null) {
  const settled = useDebouncedValue(config, 400);
  return useQuery({
    queryKey: ['training-estimate', settled],
    queryFn: ({ signal }) => estimateTraining(settled!, signal),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}
