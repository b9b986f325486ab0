import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const getSession = (id: string, signal?: AbortSignal) => api.call('getPlaygroundSession', { params: { id } }, { signal });

/** A session with its draft and every run. */
export const sessionQueryOptions = (id: string) => queryOptions({ queryKey: playgroundKeys.session(id), queryFn: ({ signal }) => getSession(id, signal) });

export const usePlaygroundSession = (id: string | null) => useQuery({ ...sessionQueryOptions(id ?? ''), enabled: !!id });
