import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from './keys';

export const listSessions = (q: string, signal?: AbortSignal) =>
  api.call('listPlaygroundSessions', { query: { q: q || undefined, limit: 100 } }, { signal });

/** Your sessions and those shared with the workspace, newest first, searched by `q`. */
export const sessionsQueryOptions = (q: string) =>
  queryOptions({ queryKey: playgroundKeys.sessionList(q), queryFn: ({ signal }) => listSessions(q, signal), placeholderData: keepPreviousData });

export const useSessions = (q: string, enabled = true) => useQuery({ ...sessionsQueryOptions(q), enabled });
