import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { overviewKeys } from '../../../lib/query-keys';

export const getOverview = (signal?: AbortSignal) => api.call('getOverview', {}, { signal });

/** Counts for the Dashboard's overview cards: models, adapters, datasets, jobs, tokens trained. */
export const overviewQueryOptions = () =>
  queryOptions({
    queryKey: overviewKeys.all,
    queryFn: ({ signal }) => getOverview(signal),
    // Models and datasets change on other pages: refetch when the Dashboard is opened again.
    staleTime: 5_000,
  });

export const useOverview = () => useQuery(overviewQueryOptions());
