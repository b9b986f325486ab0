import type { JobEventKind } from '@qlora-studio/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api-client';
import { jobKeys } from '../../query-keys';

export const listJobEvents = (id: string, kind: JobEventKind | undefined, signal?: AbortSignal) =>
  api.call('listJobEvents', { params: { id }, query: { kind } }, { signal });

/** Stored events of a job, optionally of one kind (e.g. its `result`). */
export const jobEventsQueryOptions = (id: string, kind?: JobEventKind) =>
  queryOptions({
    queryKey: jobKeys.events(id, kind),
    queryFn: ({ signal }) => listJobEvents(id, kind, signal),
    staleTime: Infinity,
  });

export const useJobEvents = (id: string, kind?: JobEventKind, enabled = true) => useQuery({ ...jobEventsQueryOptions(id, kind), enabled });
