import type { z } from 'zod';
import { activityListSchema, activityQuerySchema, overviewSchema } from './activity.js';
import { sessionSchema, type Permission } from './auth.js';
import { jobEventListSchema, jobEventsQuerySchema } from './events.js';
import { updateJobBodySchema } from './job-titles.js';
import {
  createJobBodySchema,
  jobIdParamsSchema,
  jobListSchema,
  jobMetricsSchema,
  jobSchema,
  listJobsQuerySchema,
  trainingEstimateSchema,
  trainJobConfigSchema,
} from './jobs.js';
import {
  datasetIdParamsSchema,
  datasetListSchema,
  datasetRecordsQuerySchema,
  datasetRecordsSchema,
  datasetReportQuerySchema,
  uploadDatasetVersionQuerySchema,
  datasetReportSchema,
  datasetSchema,
  importDatasetBodySchema,
  reparseDatasetBodySchema,
  updateDatasetBodySchema,
  uploadDatasetQuerySchema,
} from './datasets.js';
import { baseModelSchema, createDemoModelBodySchema, modelIdParamsSchema, modelListSchema, registerModelBodySchema } from './models.js';
import {
  createPlaygroundRunBodySchema,
  createPlaygroundSessionBodySchema,
  listPlaygroundSessionsQuerySchema,
  paneOutputSchema,
  paneParamsSchema,
  playgroundCatalogueSchema,
  playgroundRunSchema,
  playgroundSessionFileSchema,
  playgroundSessionListSchema,
  playgroundSessionSchema,
  runIdParamsSchema,
  sessionIdParamsSchema,
  stopPlaygroundRunBodySchema,
  updatePaneBodySchema,
  updatePlaygroundSessionBodySchema,
} from './playground.js';
import {
  benchmarkIdParamsSchema,
  benchmarkListSchema,
  benchmarkPreviewSchema,
  benchmarkSchema,
  benchmarkVersionQuerySchema,
  createBenchmarkBodySchema,
  compareEvaluationsQuerySchema,
  createBenchmarkVersionBodySchema,
  evaluationBatchSchema,
  evaluationComparisonSchema,
  evaluationReportFileSchema,
  evaluationReportQuerySchema,
  evaluationListSchema,
  launchEvaluationBodySchema,
  listEvaluationsQuerySchema,
  previewBenchmarkBodySchema,
} from './evaluation.js';
import { settingsPatchSchema, settingsSchema } from './settings.js';
import { healthSchema, resourcesSchema } from './system.js';

/**
 * The REST API, described once. The server registers each route from this table (schemas,
 * permission, OpenAPI) and the web client calls routes by name with the same types.
 * Server-sent event streams are not here: they are described in `streams` below.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  permission: Permission;
  summary: string;
  tags: string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * The body is a file sent raw (`application/octet-stream`), streamed to disk with a size
   * limit; its name and other fields travel in the query string.
   */
  upload?: true;
  /** A body limit above the server's default (1 MiB), for routes that take big documents. */
  bodyLimitBytes?: number;
  /** Schema of the 2xx reply; `null` for 204 No Content. */
  response: z.ZodType | null;
  successStatus?: 200 | 201 | 202 | 204;
}

function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

export const apiRoutes = {
  getHealth: route({
    method: 'GET',
    path: '/api/health',
    permission: 'system:read',
    summary: 'Health of the API, database, disk and engine',
    tags: ['system'],
    response: healthSchema,
  }),
  getResources: route({
    method: 'GET',
    path: '/api/system/resources',
    permission: 'system:read',
    summary: 'Recent CPU, memory and disk samples for the health monitor',
    tags: ['system'],
    response: resourcesSchema,
  }),
  getSession: route({
    method: 'GET',
    path: '/api/session',
    permission: 'system:read',
    summary: 'The role and permissions of the caller',
    tags: ['auth'],
    response: sessionSchema,
  }),
  listJobs: route({
    method: 'GET',
    path: '/api/jobs',
    permission: 'jobs:read',
    summary: 'List jobs, newest first',
    tags: ['jobs'],
    query: listJobsQuerySchema,
    response: jobListSchema,
  }),
  createJob: route({
    method: 'POST',
    path: '/api/jobs',
    permission: 'jobs:launch',
    summary: 'Queue a job',
    tags: ['jobs'],
    body: createJobBodySchema,
    response: jobSchema,
    successStatus: 201,
  }),
  estimateTraining: route({
    method: 'POST',
    path: '/api/training/estimate',
    permission: 'jobs:launch',
    summary:
      "Time (a range) and peak memory a fine-tune would take on this machine, with warnings and fixes (nothing is queued). The time comes from training steps timed on this machine for the model's shape and settings; while that measurement runs (calibration.state 'measuring', a few seconds to a minute, once per shape) ask again for the result.",
    tags: ['jobs'],
    body: trainJobConfigSchema,
    response: trainingEstimateSchema,
  }),
  getJob: route({
    method: 'GET',
    path: '/api/jobs/:id',
    permission: 'jobs:read',
    summary: 'One job',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: jobSchema,
  }),
  updateJob: route({
    method: 'PATCH',
    path: '/api/jobs/:id',
    permission: 'jobs:launch',
    summary: 'Rename a job',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    body: updateJobBodySchema,
    response: jobSchema,
  }),
  cancelJob: route({
    method: 'POST',
    path: '/api/jobs/:id/cancel',
    permission: 'jobs:cancel',
    summary: 'Cancel a queued or running job (graceful, then forced after the grace period)',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: jobSchema,
    successStatus: 202,
  }),
  retryJob: route({
    method: 'POST',
    path: '/api/jobs/:id/retry',
    permission: 'jobs:launch',
    summary: 'Queue a new job with the same config (a fine-tune starts over, into a new folder); it names this one as its parent',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: jobSchema,
    successStatus: 201,
  }),
  resumeJob: route({
    method: 'POST',
    path: '/api/jobs/:id/resume',
    permission: 'jobs:launch',
    summary: 'Continue an interrupted, canceled or failed fine-tune from its newest checkpoint, as a new job into the same folder',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: jobSchema,
    successStatus: 201,
  }),
  deleteJob: route({
    method: 'DELETE',
    path: '/api/jobs/:id',
    permission: 'jobs:delete',
    summary: 'Delete a finished job with its events and metrics, and the files it wrote (adapter, checkpoints)',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: null,
    successStatus: 204,
  }),
  listJobEvents: route({
    method: 'GET',
    path: '/api/jobs/:id/events',
    permission: 'jobs:read',
    summary: 'Stored events of a job (status, progress, logs, metrics, artifacts, result)',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    query: jobEventsQuerySchema,
    response: jobEventListSchema,
  }),
  getJobMetrics: route({
    method: 'GET',
    path: '/api/jobs/:id/metrics',
    permission: 'jobs:read',
    summary: 'Metric series of a job',
    tags: ['jobs'],
    params: jobIdParamsSchema,
    response: jobMetricsSchema,
  }),
  getOverview: route({
    method: 'GET',
    path: '/api/overview',
    permission: 'jobs:read',
    summary: 'Counts for the Dashboard: models, adapters, datasets, jobs by status, tokens trained',
    tags: ['activity'],
    response: overviewSchema,
  }),
  listActivity: route({
    method: 'GET',
    path: '/api/activity',
    permission: 'jobs:read',
    summary: 'Recent workspace activity, newest first',
    tags: ['activity'],
    query: activityQuerySchema,
    response: activityListSchema,
  }),
  listModels: route({
    method: 'GET',
    path: '/api/models',
    permission: 'models:read',
    summary: 'Registered base models, newest first',
    tags: ['models'],
    response: modelListSchema,
  }),
  registerModel: route({
    method: 'POST',
    path: '/api/models',
    permission: 'models:write',
    summary: 'Register a Hugging Face model folder on the server (checked by loading its config and tokenizer)',
    tags: ['models'],
    body: registerModelBodySchema,
    response: baseModelSchema,
    successStatus: 201,
  }),
  createDemoModel: route({
    method: 'POST',
    path: '/api/models/demo',
    permission: 'models:write',
    summary: 'Make a small random model with a real tokenizer and chat template, to try the app offline',
    tags: ['models'],
    body: createDemoModelBodySchema,
    response: baseModelSchema,
    successStatus: 201,
  }),
  deleteModel: route({
    method: 'DELETE',
    path: '/api/models/:id',
    permission: 'models:write',
    summary: "Forget a model (a demo model's files are deleted; a registered folder is left alone)",
    tags: ['models'],
    params: modelIdParamsSchema,
    response: null,
    successStatus: 204,
  }),
  listDatasets: route({
    method: 'GET',
    path: '/api/datasets',
    permission: 'datasets:read',
    summary: 'Stored datasets, newest first',
    tags: ['datasets'],
    response: datasetListSchema,
  }),
  uploadDataset: route({
    method: 'POST',
    path: '/api/datasets/upload',
    permission: 'datasets:write',
    summary: 'Upload a dataset file (raw body), read and validated before it is stored',
    tags: ['datasets'],
    query: uploadDatasetQuerySchema,
    upload: true,
    response: datasetSchema,
    successStatus: 201,
  }),
  uploadDatasetVersion: route({
    method: 'POST',
    path: '/api/datasets/:id/upload',
    permission: 'datasets:write',
    summary: 'Upload a new version of a dataset (e.g. a fixed file); earlier versions stay as they were',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    query: uploadDatasetVersionQuerySchema,
    upload: true,
    response: datasetSchema,
    successStatus: 201,
  }),
  importDataset: route({
    method: 'POST',
    path: '/api/datasets/import',
    permission: 'datasets:write',
    summary: 'Copy a dataset file from a path on the server',
    tags: ['datasets'],
    body: importDatasetBodySchema,
    response: datasetSchema,
    successStatus: 201,
  }),
  getDataset: route({
    method: 'GET',
    path: '/api/datasets/:id',
    permission: 'datasets:read',
    summary: 'One dataset with its versions',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    response: datasetSchema,
  }),
  updateDataset: route({
    method: 'PATCH',
    path: '/api/datasets/:id',
    permission: 'datasets:write',
    summary: 'Rename a dataset',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    body: updateDatasetBodySchema,
    response: datasetSchema,
  }),
  reparseDataset: route({
    method: 'POST',
    path: '/api/datasets/:id/reparse',
    permission: 'datasets:write',
    summary: 'Read the newest file again with other parse options (format, column mapping, separator) as a new version',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    body: reparseDatasetBodySchema,
    response: datasetSchema,
    successStatus: 201,
  }),
  deleteDataset: route({
    method: 'DELETE',
    path: '/api/datasets/:id',
    permission: 'datasets:write',
    summary: 'Delete a dataset and its files (refused while a queued or running job or a benchmark uses it)',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    response: null,
    successStatus: 204,
  }),
  listDatasetRecords: route({
    method: 'GET',
    path: '/api/datasets/:id/records',
    permission: 'datasets:read',
    summary: "A page of a dataset version's records, as the engine reads them",
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    query: datasetRecordsQuerySchema,
    response: datasetRecordsSchema,
  }),
  getDatasetReport: route({
    method: 'GET',
    path: '/api/datasets/:id/report',
    permission: 'datasets:read',
    summary: 'Validation report: problems per record, duplicates, token lengths and the masking preview with a model',
    tags: ['datasets'],
    params: datasetIdParamsSchema,
    query: datasetReportQuerySchema,
    response: datasetReportSchema,
  }),
  listBenchmarks: route({
    method: 'GET',
    path: '/api/benchmarks',
    permission: 'datasets:read',
    summary: 'Benchmarks (their newest versions), newest first',
    tags: ['evaluation'],
    response: benchmarkListSchema,
  }),
  createBenchmark: route({
    method: 'POST',
    path: '/api/benchmarks',
    permission: 'datasets:write',
    summary: 'Create a benchmark from a stored dataset version, a task, a field mapping and a template; every row must become an item',
    tags: ['evaluation'],
    body: createBenchmarkBodySchema,
    response: benchmarkSchema,
    successStatus: 201,
  }),
  previewBenchmark: route({
    method: 'POST',
    path: '/api/benchmarks/preview',
    permission: 'datasets:read',
    summary: 'The rendered prompts of the first items of a benchmark definition, and every row that cannot become an item (nothing stored)',
    tags: ['evaluation'],
    body: previewBenchmarkBodySchema,
    response: benchmarkPreviewSchema,
  }),
  getBenchmark: route({
    method: 'GET',
    path: '/api/benchmarks/:id',
    permission: 'datasets:read',
    summary: 'A benchmark version (default: the newest)',
    tags: ['evaluation'],
    params: benchmarkIdParamsSchema,
    query: benchmarkVersionQuerySchema,
    response: benchmarkSchema,
  }),
  createBenchmarkVersion: route({
    method: 'POST',
    path: '/api/benchmarks/:id/versions',
    permission: 'datasets:write',
    summary: 'Edit a benchmark: store a new version (the old ones stay)',
    tags: ['evaluation'],
    params: benchmarkIdParamsSchema,
    body: createBenchmarkVersionBodySchema,
    response: benchmarkSchema,
    successStatus: 201,
  }),
  deleteBenchmark: route({
    method: 'DELETE',
    path: '/api/benchmarks/:id',
    permission: 'datasets:write',
    summary: 'Delete a benchmark and all its versions (refused while a queued or running evaluate job uses it; finished jobs keep their results)',
    tags: ['evaluation'],
    params: benchmarkIdParamsSchema,
    response: null,
    successStatus: 204,
  }),
  launchEvaluation: route({
    method: 'POST',
    path: '/api/evaluations',
    permission: 'jobs:launch',
    summary:
      'Queue a batch of evaluate jobs, one per model × benchmark; a pair evaluated before with the same files and settings finishes at once from the cache',
    tags: ['evaluation'],
    body: launchEvaluationBodySchema,
    response: evaluationBatchSchema,
    successStatus: 201,
  }),
  listEvaluations: route({
    method: 'GET',
    path: '/api/evaluations',
    permission: 'jobs:read',
    summary: 'Evaluate jobs with their metrics, newest first (per-item results: GET the job)',
    tags: ['evaluation'],
    query: listEvaluationsQuerySchema,
    response: evaluationListSchema,
  }),
  compareEvaluations: route({
    method: 'GET',
    path: '/api/evaluations/compare',
    permission: 'jobs:read',
    summary:
      'Compare succeeded evaluate jobs of one benchmark version (the first is the base): each metric per model, deltas with 95% paired bootstrap intervals and verdicts, and every item with each answer',
    tags: ['evaluation'],
    query: compareEvaluationsQuerySchema,
    response: evaluationComparisonSchema,
  }),
  downloadEvaluationReport: route({
    method: 'GET',
    path: '/api/evaluations/report',
    permission: 'jobs:read',
    summary:
      'The comparison of evaluate jobs as a report file to download: self-contained HTML, Markdown, CSV (one row per example and model) or JSON, with the sections chosen',
    tags: ['evaluation'],
    query: evaluationReportQuerySchema,
    response: evaluationReportFileSchema,
  }),
  getPlaygroundCatalogue: route({
    method: 'GET',
    path: '/api/playground/models',
    permission: 'inference:run',
    summary: 'Base models and fine-tuned adapters the Playground can run, with the generation limits',
    tags: ['playground'],
    response: playgroundCatalogueSchema,
  }),
  warmPlayground: route({
    method: 'POST',
    path: '/api/playground/warm',
    permission: 'inference:run',
    summary: 'Start an inference worker ahead of the first run (the Playground page calls this when it opens)',
    tags: ['playground'],
    response: null,
    successStatus: 204,
  }),
  createPlaygroundRun: route({
    method: 'POST',
    path: '/api/playground/runs',
    permission: 'inference:run',
    summary: 'Run a prompt on 1–4 models (queued; follow it on its stream) and save it in a session',
    tags: ['playground'],
    body: createPlaygroundRunBodySchema,
    response: playgroundRunSchema,
    successStatus: 201,
  }),
  getPlaygroundRun: route({
    method: 'GET',
    path: '/api/playground/runs/:id',
    permission: 'inference:run',
    summary: 'A run with its outputs so far',
    tags: ['playground'],
    params: runIdParamsSchema,
    response: playgroundRunSchema,
  }),
  stopPlaygroundRun: route({
    method: 'POST',
    path: '/api/playground/runs/:id/stop',
    permission: 'inference:run',
    summary: 'Stop generating (one pane, or all); what was generated is kept',
    tags: ['playground'],
    params: runIdParamsSchema,
    body: stopPlaygroundRunBodySchema,
    response: playgroundRunSchema,
  }),
  updatePlaygroundPane: route({
    method: 'PATCH',
    path: '/api/playground/runs/:id/panes/:pane',
    permission: 'inference:run',
    summary: 'Set the note or vote of one output',
    tags: ['playground'],
    params: paneParamsSchema,
    body: updatePaneBodySchema,
    response: paneOutputSchema,
  }),
  listPlaygroundSessions: route({
    method: 'GET',
    path: '/api/playground/sessions',
    permission: 'inference:run',
    summary: 'Your sessions and the ones shared with the workspace, newest first, optionally searched',
    tags: ['playground'],
    query: listPlaygroundSessionsQuerySchema,
    response: playgroundSessionListSchema,
  }),
  createPlaygroundSession: route({
    method: 'POST',
    path: '/api/playground/sessions',
    permission: 'inference:run',
    summary: 'Start an empty session',
    tags: ['playground'],
    body: createPlaygroundSessionBodySchema,
    response: playgroundSessionSchema,
    successStatus: 201,
  }),
  getPlaygroundSession: route({
    method: 'GET',
    path: '/api/playground/sessions/:id',
    permission: 'inference:run',
    summary: 'A session with its draft and every run',
    tags: ['playground'],
    params: sessionIdParamsSchema,
    response: playgroundSessionSchema,
  }),
  updatePlaygroundSession: route({
    method: 'PATCH',
    path: '/api/playground/sessions/:id',
    permission: 'inference:run',
    summary: 'Rename a session, share it with the workspace, or save its draft (owner only)',
    tags: ['playground'],
    params: sessionIdParamsSchema,
    body: updatePlaygroundSessionBodySchema,
    response: playgroundSessionSchema,
  }),
  deletePlaygroundSession: route({
    method: 'DELETE',
    path: '/api/playground/sessions/:id',
    permission: 'inference:run',
    summary: 'Delete a session and its runs (owner only); running generations stop',
    tags: ['playground'],
    params: sessionIdParamsSchema,
    response: null,
    successStatus: 204,
  }),
  exportPlaygroundSession: route({
    method: 'GET',
    path: '/api/playground/sessions/:id/export',
    permission: 'inference:run',
    summary: 'A session as a JSON file to keep or import elsewhere',
    tags: ['playground'],
    params: sessionIdParamsSchema,
    response: playgroundSessionFileSchema,
  }),
  importPlaygroundSession: route({
    method: 'POST',
    path: '/api/playground/sessions/import',
    permission: 'inference:run',
    summary: 'Import a session exported as JSON (as a new session of yours)',
    tags: ['playground'],
    body: playgroundSessionFileSchema,
    bodyLimitBytes: 64 * 2 ** 20,
    response: playgroundSessionSchema,
    successStatus: 201,
  }),
  getSettings: route({
    method: 'GET',
    path: '/api/settings',
    permission: 'settings:read',
    summary: 'Workspace settings',
    tags: ['settings'],
    response: settingsSchema,
  }),
  updateSettings: route({
    method: 'PATCH',
    path: '/api/settings',
    permission: 'settings:write',
    summary: 'Change workspace settings',
    tags: ['settings'],
    body: settingsPatchSchema,
    response: settingsSchema,
  }),
} as const satisfies Record<string, RouteSpec>;

export type ApiRoutes = typeof apiRoutes;
export type RouteName = keyof ApiRoutes;

type Infer<T> = T extends z.ZodType ? z.infer<T> : never;
type InferInput<T> = T extends z.ZodType ? z.input<T> : never;
/** What a client passes to call a route: params, query and body, where the route has them. */
export type RouteInput<N extends RouteName> = (ApiRoutes[N] extends { params: infer P } ? { params: InferInput<P> } : object) &
  (ApiRoutes[N] extends { query: infer Q } ? { query?: InferInput<Q> } : object) &
  (ApiRoutes[N] extends { body: infer B } ? { body: InferInput<B> } : object);
export type RouteOutput<N extends RouteName> = ApiRoutes[N]['response'] extends z.ZodType ? Infer<ApiRoutes[N]['response']> : void;

/** Server-sent event streams. `Last-Event-ID` resumes after that stored event id. */
export const streams = {
  allEvents: { path: '/api/events', permission: 'jobs:read' as Permission, summary: 'Events of every job, live' },
  jobEvents: {
    path: '/api/jobs/:id/stream',
    permission: 'jobs:read' as Permission,
    summary: 'Events of one job: its stored history first, then live',
  },
  playgroundRun: {
    path: '/api/playground/runs/:id/stream',
    permission: 'inference:run' as Permission,
    summary: 'A Playground run as it generates: a snapshot, then new text and pane changes, then end',
  },
} as const;

/** Build a concrete path from a route path and params, e.g. `/api/jobs/:id` → `/api/jobs/42`. */
export function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`Missing path parameter "${key}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}
