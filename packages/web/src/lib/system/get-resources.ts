import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api-client';
import { systemKeys } from '../query-keys';

export const getResources = (signal?: AbortSignal) => api.call('getResources', {}, { signal });

/** Recent CPU, memory and disk samples, polled every 2 s while visible. */
export const resourcesQueryOptions = () =>
  queryOptions({
    queryKey: systemKeys.resources(),
    queryFn: ({ signal }) => getResources(signal),
    refetchInterval: 2_000,
    refetchIntervalInBackground: false,
    retry: false,
    staleTime: 1_500,
  });

export const useResources = () => useQuery(resourcesQueryOptions());
