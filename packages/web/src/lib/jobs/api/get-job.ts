import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api-client';
import { jobKeys } from '../../query-keys';

export const getJob = (id: string, signal?: AbortSignal) => api.call('getJob', { params: { id } }, { signal });

export const jobQueryOptions = (id: string) =>
  queryOptions({
    queryKey: jobKeys.detail(id),
    queryFn: ({ signal }) => getJob(id, signal),
    staleTime: 30_000,
  });

export const useJob = (id: string) => useQuery(jobQueryOptions(id));
