import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const resourcesQueryKey = ['system', 'resources'] as const;

export const getResources = (signal?: AbortSignal) => api.call('getResources', {}, { signal });

/** Recent CPU, memory and disk samples, polled every 2 s while visible. */
export const resourcesQueryOptions = () =>
  queryOptions({
    queryKey: resourcesQueryKey,
    queryFn: ({ signal }) => getResources(signal),
    refetchInterval: 2_000,
    refetchIntervalInBackground: false,
    retry: false,
    staleTime: 1_500,
  });

export const useResources = () => useQuery(resourcesQueryOptions());
