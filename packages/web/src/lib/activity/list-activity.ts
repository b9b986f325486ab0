import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api-client';
import { activityKeys } from '../query-keys';

export const listActivity = (limit: number, signal?: AbortSignal) => api.call('listActivity', { query: { limit } }, { signal });

/** The workspace's activity feed, newest first; refreshed by live job events. */
export const activityQueryOptions = (limit = 20) =>
  queryOptions({
    queryKey: activityKeys.list(limit),
    queryFn: ({ signal }) => listActivity(limit, signal),
    staleTime: 30_000,
  });

export const useActivity = (limit = 20) => useQuery(activityQueryOptions(limit));
