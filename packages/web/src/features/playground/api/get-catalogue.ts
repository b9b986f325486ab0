import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const getCatalogue = (signal?: AbortSignal) => api.call('getPlaygroundCatalogue', {}, { signal });

/** Base models, adapters from finished fine-tunes, and the workspace's generation limits. */
export const catalogueQueryOptions = () =>
  queryOptions({ queryKey: playgroundKeys.catalogue(), queryFn: ({ signal }) => getCatalogue(signal), staleTime: 30_000 });

export const useCatalogue = () => useQuery(catalogueQueryOptions());
