import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys } from '../../../lib/query-keys';

export const listBenchmarks = (signal?: AbortSignal) => api.call('listBenchmarks', {}, { signal });

/** Benchmarks (their newest versions), newest first. */
export const benchmarksQueryOptions = () =>
  queryOptions({ queryKey: evaluationKeys.benchmarkList(), queryFn: ({ signal }) => listBenchmarks(signal), staleTime: 30_000 });

export const useBenchmarks = () => useQuery(benchmarksQueryOptions());
