import type { ListJobsQuery } from '@qlora-studio/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api-client';
import { jobKeys } from '../../query-keys';

export const listJobs = (query: Partial<ListJobsQuery>, signal?: AbortSignal) => api.call('listJobs', { query }, { signal });

/** Jobs, newest first. Kept live by the app's event stream, so no polling. */
export const jobsQueryOptions = (query: Partial<ListJobsQuery> = {}) =>
  queryOptions({
    queryKey: jobKeys.list(query),
    queryFn: ({ signal }) => listJobs(query, signal),
    staleTime: 30_000,
  });

export const useJobs = (query: Partial<ListJobsQuery> = {}) => useQuery(jobsQueryOptions(query));
