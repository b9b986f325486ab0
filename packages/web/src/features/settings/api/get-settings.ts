import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const settingsQueryKey = ['settings'] as const;

export const getSettings = (signal?: AbortSignal) => api.call('getSettings', {}, { signal });

export const settingsQueryOptions = () =>
  queryOptions({ queryKey: settingsQueryKey, queryFn: ({ signal }) => getSettings(signal), staleTime: 60_000 });

export const useSettings = () => useQuery(settingsQueryOptions());
