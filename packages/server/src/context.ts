import type { RouteRecord } from './auth/auth.js';
import type { DatasetService } from './datasets/dataset-service.js';
import type { EvaluationService } from './evaluation/evaluation-service.js';
import type { ModelService } from './models/model-service.js';
import type { InferencePool } from './playground/inference-pool.js';
import type { PlaygroundService } from './playground/playground-service.js';
import type { JobEventBus } from './jobs/event-bus.js';
import type { JobService } from './jobs/job-service.js';
import type { JobRunner } from './jobs/runner.js';
import type { Db } from './store/database.js';
import type { ResourceSampler } from './system/resources.js';

/** What the routes share: the store, the job system and the samplers of one running app. */
export interface AppContext {
  workspace: string;
  db: Db;
  bus: JobEventBus;
  jobs: JobService;
  runner: JobRunner;
  sampler: ResourceSampler;
  models: ModelService;
  datasets: DatasetService;
  evaluation: EvaluationService;
  inference: InferencePool;
  playground: PlaygroundService;
  startedAt: number;
  heartbeatMs: number;
  /** Every route with the permission it declared, for the docs and the permission tests. */
  routes: RouteRecord[];
}
