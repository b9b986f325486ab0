import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api-client';
import { datasetKeys } from '../query-keys';

export const listDatasets = (signal?: AbortSignal) => api.call('listDatasets', {}, { signal });

/** Stored datasets, newest first. */
export const datasetsQueryOptions = () => queryOptions({ queryKey: datasetKeys.list(), queryFn: ({ signal }) => listDatasets(signal), staleTime: 30_000 });

export const useDatasets = () => useQuery(datasetsQueryOptions());
