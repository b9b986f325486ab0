import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { settingsKeys } from '../../../lib/query-keys';

export const getSettings = (signal?: AbortSignal) => api.call('getSettings', {}, { signal });

export const settingsQueryOptions = () => queryOptions({ queryKey: settingsKeys.all, queryFn: ({ signal }) => getSettings(signal), staleTime: 60_000 });

export const useSettings = () => useQuery(settingsQueryOptions());
