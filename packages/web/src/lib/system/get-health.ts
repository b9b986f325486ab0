import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api-client';
import { systemKeys } from '../query-keys';

export const getHealth = (signal?: AbortSignal) => api.call('getHealth', {}, { signal });

/** API health, polled every 5 s (also while the tab is in the background, slower). */
export const healthQueryOptions = () =>
  queryOptions({
    queryKey: systemKeys.health(),
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: 5_000,
    retry: false,
    staleTime: 4_000,
  });

export const useHealth = () => useQuery(healthQueryOptions());
