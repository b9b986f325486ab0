import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { judgeKeys } from '../../../lib/query-keys';

export const getJudgeConnection = (signal?: AbortSignal) => api.call('getJudgeConnection', {}, { signal });

export const judgeConnectionQueryOptions = () =>
  queryOptions({ queryKey: judgeKeys.all, queryFn: ({ signal }) => getJudgeConnection(signal), staleTime: 60_000 });

export const useJudgeConnection = () => useQuery(judgeConnectionQueryOptions());
