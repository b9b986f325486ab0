import type { PreviewBenchmarkBody } from '@qlora-studio/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { evaluationKeys } from '../../../lib/query-keys';

export const previewBenchmark = (body: PreviewBenchmarkBody, signal?: AbortSignal) => api.call('previewBenchmark', { body }, { signal });

/** The first items as a definition renders them; null body: nothing to preview yet. Keeps the last preview while the next loads. */
export const benchmarkPreviewQueryOptions = (body: PreviewBenchmarkBody | null) =>
  queryOptions({
    queryKey: evaluationKeys.preview(body),
    queryFn: ({ signal }) => previewBenchmark(body!, signal),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });

export const useBenchmarkPreview = (body: PreviewBenchmarkBody | null) => useQuery(benchmarkPreviewQueryOptions(body));
