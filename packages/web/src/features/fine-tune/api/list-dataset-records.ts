import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { datasetKeys, type RecordsQuery } from '../../../lib/query-keys';

export const listDatasetRecords = (id: string, query: RecordsQuery, signal?: AbortSignal) =>
  api.call('listDatasetRecords', { params: { id }, query }, { signal });

/** One page of records as the engine reads them. */
export const datasetRecordsQueryOptions = (id: string, query: RecordsQuery) =>
  queryOptions({
    queryKey: datasetKeys.records(id, query),
    queryFn: ({ signal }) => listDatasetRecords(id, query, signal),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });

export const useDatasetRecords = (id: string, query: RecordsQuery) => useQuery(datasetRecordsQueryOptions(id, query));
