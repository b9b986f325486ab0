import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { modelKeys } from '../../../lib/query-keys';

export const listModels = (signal?: AbortSignal) => api.call('listModels', {}, { signal });

/** Registered base models, newest first (the same query the Fine-tune page caches). */
export const modelsQueryOptions = () => queryOptions({ queryKey: modelKeys.list(), queryFn: ({ signal }) => listModels(signal), staleTime: 30_000 });

export const useModels = () => useQuery(modelsQueryOptions());
