import type { TrainJobConfig } from '@qlora-studio/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { trainingEstimateKeys } from '../../../lib/query-keys';
import { useDebouncedValue } from '../../../lib/use-debounced-value';

export const estimateTraining = (config: TrainJobConfig, signal?: AbortSignal) => api.call('estimateTraining', { body: config }, { signal });

/** How often to ask again while the server measures this machine's speed for the settings. */
const measuringPollMs = 1000;

/**
 * The server's estimate of time and peak memory for a valid config, on this machine, asked for
 * once the settings stop changing. The first answer for a new model shape or batch setting may
 * say the speed is being measured (a few training steps in the background): it is asked again
 * every second until the measured time comes.
 */
export function useTrainingEstimate(config: TrainJobConfig | null) {
  const settled = useDebouncedValue(config, 400);
  return useQuery({
    queryKey: trainingEstimateKeys.of(settled),
    queryFn: ({ signal }) => estimateTraining(settled!, signal),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
    refetchInterval: (query) => (query.state.data?.calibration.state === 'measuring' ? measuringPollMs : false),
  });
}
