import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../../lib/api-client';
import { evaluationKeys } from '../../../../lib/query-keys';

/** As many as the server lists: the picker, the radar and the step chart all read from one list. */
const query = { limit: 500 };

/** Evaluate jobs with their metrics, newest first. */
export const evaluationsQueryOptions = () =>
  queryOptions({
    queryKey: evaluationKeys.resultList(query),
    queryFn: ({ signal }) => api.call('listEvaluations', { query }, { signal }),
  });

export const useEvaluations = () => useQuery(evaluationsQueryOptions());
