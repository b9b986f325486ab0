import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { judgeKeys } from '../../../lib/query-keys';

export const getJudgeConnection = (signal?: AbortSignal) => api.call('getJudgeConnection', {}, { signal });

/** The judge endpoint judge benchmarks use (baseUrl null: none is set). */
export const judgeConnectionQueryOptions = () =>
  queryOptions({ queryKey: judgeKeys.all, queryFn: ({ signal }) => getJudgeConnection(signal), staleTime: 30_000, retry: false });

export const useJudgeConnection = (enabled = true) => useQuery({ ...judgeConnectionQueryOptions(), enabled });
