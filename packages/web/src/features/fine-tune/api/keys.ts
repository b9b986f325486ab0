import type { RouteInput } from '@qlora-studio/contracts';

/** Query keys for models and datasets. Mutations invalidate by these. */
export const modelKeys = {
  all: ['models'] as const,
  list: () => [...modelKeys.all, 'list'] as const,
};

export type ReportQuery = Partial<RouteInput<'getDatasetReport'>['query']>;
export type RecordsQuery = Partial<RouteInput<'listDatasetRecords'>['query']>;

export const datasetKeys = {
  all: ['datasets'] as const,
  list: () => [...datasetKeys.all, 'list'] as const,
  detail: (id: string) => [...datasetKeys.all, 'detail', id] as const,
  report: (id: string, query: ReportQuery) => [...datasetKeys.detail(id), 'report', query] as const,
  records: (id: string, query: RecordsQuery) => [...datasetKeys.detail(id), 'records', query] as const,
};
