import type { ListJobsQuery } from '@qlora-studio/contracts';

/** Query keys for jobs. Mutations and live updates invalidate by these. */
export const jobKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobKeys.all, 'list'] as const,
  list: (query: Partial<ListJobsQuery>) => [...jobKeys.lists(), query] as const,
  details: () => [...jobKeys.all, 'detail'] as const,
  detail: (id: string) => [...jobKeys.details(), id] as const,
  events: (id: string, kind?: string) => [...jobKeys.all, 'events', id, kind ?? 'all'] as const,
};
