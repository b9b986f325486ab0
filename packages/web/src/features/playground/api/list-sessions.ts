import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

/** Sessions per page of the history list. */
export const sessionsPageSize = 50;

export const listSessions = (q: string, after: string | undefined, signal?: AbortSignal) =>
  api.call('listPlaygroundSessions', { query: { q: q || undefined, limit: sessionsPageSize, after } }, { signal });

/** Your sessions and those shared with the workspace, newest first, searched by `q`, a page at a time. */
export const sessionsQueryOptions = (q: string) =>
  infiniteQueryOptions({
    queryKey: playgroundKeys.sessionList(q),
    queryFn: ({ signal, pageParam }) => listSessions(q, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useSessions = (q: string, enabled = true) => useInfiniteQuery({ ...sessionsQueryOptions(q), enabled });
