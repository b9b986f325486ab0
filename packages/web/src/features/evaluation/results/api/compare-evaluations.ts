import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../../lib/api-client';
import { evaluationKeys } from '../../../../lib/query-keys';

/** The comparison of succeeded evaluate jobs, the base first. Finished results do not change, so it is not refetched. */
export const comparisonQueryOptions = (jobIds: readonly string[]) =>
  queryOptions({
    queryKey: evaluationKeys.comparison(jobIds),
    queryFn: ({ signal }) => api.call('compareEvaluations', { query: { jobIds: jobIds.join(',') } }, { signal }),
    staleTime: Infinity,
    retry: false,
  });

export const useComparison = (jobIds: readonly string[]) => useQuery({ ...comparisonQueryOptions(jobIds), enabled: jobIds.length >= 2 });
