import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys } from '../../../lib/query-keys';

/** The report without samples or tokens: cheap, and it lists the source columns a mapping picks from. */
const reportQuery = (version: number | null) => ({ ...(version !== null && { version }), samples: 0 });

export const getDatasetColumnsReport = (id: string, version: number | null, signal?: AbortSignal) =>
  api.call('getDatasetReport', { params: { id }, query: reportQuery(version) }, { signal });

/** A dataset version's column names (and record count) for the field selects; off until a dataset is chosen. */
export const datasetColumnsQueryOptions = (id: string, version: number | null) =>
  queryOptions({
    queryKey: datasetKeys.report(id, reportQuery(version)),
    queryFn: ({ signal }) => getDatasetColumnsReport(id, version, signal),
    enabled: id !== '',
    staleTime: 60_000,
  });

export const useDatasetColumns = (id: string, version: number | null) => useQuery(datasetColumnsQueryOptions(id, version));
