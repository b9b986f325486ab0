/**
 * Every TanStack Query key of the app, in one place. Queries are cached under these keys and
 * mutations and live updates invalidate by their prefixes (`jobKeys.lists()` refreshes every
 * job list), so a key written by hand elsewhere would silently miss those refreshes.
 */
import type { ListEvaluationsQuery, ListJobsQuery, PreviewBenchmarkBody, RouteInput, TrainJobConfig } from '@qlora-studio/contracts';

/** Jobs. Mutations and live updates invalidate by these. */
export const jobKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobKeys.all, 'list'] as const,
  list: (query: Partial<ListJobsQuery>) => [...jobKeys.lists(), query] as const,
  details: () => [...jobKeys.all, 'detail'] as const,
  detail: (id: string) => [...jobKeys.details(), id] as const,
  events: (id: string, kind?: string) => [...jobKeys.all, 'events', id, kind ?? 'all'] as const,
};

/** The activity feed; job changes and settings changes invalidate `activityKeys.all`. */
export const activityKeys = {
  all: ['activity'] as const,
  list: (limit: number) => [...activityKeys.all, { limit }] as const,
};

/** The Dashboard's overview counts; live updates invalidate it when a job changes status. */
export const overviewKeys = { all: ['overview'] as const };

/** Base models. */
export const modelKeys = {
  all: ['models'] as const,
  list: () => [...modelKeys.all, 'list'] as const,
};

export type ReportQuery = Partial<RouteInput<'getDatasetReport'>['query']>;
export type RecordsQuery = Partial<RouteInput<'listDatasetRecords'>['query']>;

/** Datasets, each with its validation report and records. */
export const datasetKeys = {
  all: ['datasets'] as const,
  list: () => [...datasetKeys.all, 'list'] as const,
  detail: (id: string) => [...datasetKeys.all, 'detail', id] as const,
  report: (id: string, query: ReportQuery) => [...datasetKeys.detail(id), 'report', query] as const,
  records: (id: string, query: RecordsQuery) => [...datasetKeys.detail(id), 'records', query] as const,
};

/** The server's time and memory estimate for a fine-tune config. */
export const trainingEstimateKeys = {
  all: ['training-estimate'] as const,
  of: (config: TrainJobConfig | null) => [...trainingEstimateKeys.all, config] as const,
};

/** The Playground: model catalogue, sessions and runs. */
export const playgroundKeys = {
  all: ['playground'] as const,
  catalogue: () => [...playgroundKeys.all, 'catalogue'] as const,
  sessions: () => [...playgroundKeys.all, 'sessions'] as const,
  sessionLists: () => [...playgroundKeys.sessions(), 'list'] as const,
  sessionList: (q: string) => [...playgroundKeys.sessionLists(), q] as const,
  session: (id: string) => [...playgroundKeys.sessions(), 'detail', id] as const,
  run: (id: string) => [...playgroundKeys.all, 'run', id] as const,
};

/**
 * Evaluation: benchmarks, built-in samples, evaluate jobs and comparisons. Job changes (live
 * updates) invalidate `evaluationKeys.results()`; benchmark changes `evaluationKeys.benchmarks()`.
 */
export const evaluationKeys = {
  all: ['evaluation'] as const,
  benchmarks: () => [...evaluationKeys.all, 'benchmarks'] as const,
  benchmarkList: () => [...evaluationKeys.benchmarks(), 'list'] as const,
  benchmark: (id: string, version?: number) => [...evaluationKeys.benchmarks(), 'detail', id, version ?? 'newest'] as const,
  samples: () => [...evaluationKeys.all, 'samples'] as const,
  preview: (body: Partial<PreviewBenchmarkBody> | null) => [...evaluationKeys.all, 'preview', body] as const,
  results: () => [...evaluationKeys.all, 'results'] as const,
  resultList: (query: Partial<ListEvaluationsQuery>) => [...evaluationKeys.results(), 'list', query] as const,
  comparison: (jobIds: readonly string[]) => [...evaluationKeys.results(), 'compare', jobIds.join(',')] as const,
};

/** The judge endpoint (Settings → Connections). */
export const judgeKeys = { all: ['judge-connection'] as const };

/** Workspace settings. */
export const settingsKeys = { all: ['settings'] as const };

/** Who the server thinks we are, keyed by token so a new token refetches at once. */
export const sessionKeys = {
  all: ['session'] as const,
  of: (token: string | null) => [...sessionKeys.all, token ?? ''] as const,
};

/** Server health and resource samples. */
export const systemKeys = {
  all: ['system'] as const,
  health: () => [...systemKeys.all, 'health'] as const,
  resources: () => [...systemKeys.all, 'resources'] as const,
};
