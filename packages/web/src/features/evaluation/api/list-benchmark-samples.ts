import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys } from '../../../lib/query-keys';

export const listBenchmarkSamples = (signal?: AbortSignal) => api.call('listBenchmarkSamples', {}, { signal });

/** The small benchmarks that ship with the app, with their licence. */
export const benchmarkSamplesQueryOptions = () =>
  queryOptions({ queryKey: evaluationKeys.samples(), queryFn: ({ signal }) => listBenchmarkSamples(signal), staleTime: Infinity });

export const useBenchmarkSamples = () => useQuery(benchmarkSamplesQueryOptions());
