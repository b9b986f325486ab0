import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, type ReportQuery } from '../../../lib/query-keys';

export const getDatasetReport = (id: string, query: ReportQuery, signal?: AbortSignal) => api.call('getDatasetReport', { params: { id }, query }, { signal });

/** Validation report; with a model, token statistics and the masking preview too. */
export const datasetReportQueryOptions = (id: string, query: ReportQuery) =>
  queryOptions({
    queryKey: datasetKeys.report(id, query),
    queryFn: ({ signal }) => getDatasetReport(id, query, signal),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });

export const useDatasetReport = (id: string | null, query: ReportQuery) => useQuery({ ...datasetReportQueryOptions(id ?? '', query), enabled: !!id });
