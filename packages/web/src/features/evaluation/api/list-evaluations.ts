import type { ListEvaluationsQuery } from '@qlora-studio/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys } from '../../../lib/query-keys';

export const listEvaluations = (query: Partial<ListEvaluationsQuery>, signal?: AbortSignal) => api.call('listEvaluations', { query }, { signal });

/** Evaluate jobs with their metrics, newest first. Kept live by the app's event stream (lib/jobs/live-updates). */
export const evaluationsQueryOptions = (query: Partial<ListEvaluationsQuery> = {}) =>
  queryOptions({ queryKey: evaluationKeys.resultList(query), queryFn: ({ signal }) => listEvaluations(query, signal), staleTime: 15_000 });

export const useEvaluations = (query: Partial<ListEvaluationsQuery> = {}) => useQuery(evaluationsQueryOptions(query));
