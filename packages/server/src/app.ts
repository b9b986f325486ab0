import fs from 'node:fs';
import path from 'node:path';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installAuth, redactUrl } from './auth/auth.js';
import type { AppContext } from './context.js';
import { installErrorHandler } from './http/errors.js';
import { serveWebApp } from './http/web-app.js';
import { JobEventBus } from './jobs/event-bus.js';
import { JobService } from './jobs/job-service.js';
import { JobRunner } from './jobs/runner.js';
import { DatasetService } from './datasets/dataset-service.js';
import { EvaluationService } from './evaluation/evaluation-service.js';
import { ModelService } from './models/model-service.js';
import { InferencePool } from './playground/inference-pool.js';
import { PlaygroundService, replySlots } from './playground/playground-service.js';
import { datasetRoutes } from './routes/datasets.js';
import { evaluationRoutes } from './routes/evaluation.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { playgroundRoutes } from './routes/playground.js';
import { streamRoutes } from './routes/streams.js';
import { systemRoutes } from './routes/system.js';
import { workspaceRoutes } from './routes/workspace.js';
import { recordActivity } from './store/activity-repo.js';
import { openDatabase } from './store/database.js';
import { readSettings } from './store/settings-repo.js';
import { ResourceSampler } from './system/resources.js';
import { appVersion } from './version.js';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export interface AppOptions {
  /** The workspace folder: database, logs, and later models, datasets and adapters. */
  home: string;
  /** The built web app to serve (packages/web/dist); null serves the API alone. */
  webRoot?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Job worker entry point; tests use fixtures. */
  workerPath?: string;
  heartbeatMs?: number;
  resourceIntervalMs?: number;
  /** How long an idle inference worker keeps its models loaded. */
  inferenceIdleMs?: number;
  /** Inference worker entry point; tests use a stand-in. */
  inferenceWorkerPath?: string;
}

export function databasePath(home: string): string {
  return path.join(home, 'studio.db');
}

/**
 * Build the whole app without listening: the store (migrated), the job system (jobs a dead
 * server left running become interrupted), the API, the event streams and the web app.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  fs.mkdirSync(options.home, { recursive: true });
  const logger =
    options.logger && typeof options.logger === 'object'
      ? {
          ...options.logger,
          serializers: {
            req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
          },
        }
      : (options.logger ?? false);
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const db = openDatabase(databasePath(options.home));
  const bus = new JobEventBus();
  const jobs = new JobService(db, bus);
  const runner = new JobRunner({
    db,
    jobs,
    workspace: options.home,
    logger: app.log,
    concurrency: () => readSettings(db).jobConcurrency,
    cancelGraceSeconds: () => readSettings(db).cancelGraceSeconds,
    ...(options.workerPath ? { workerPath: options.workerPath } : {}),
  });
  const inference = new InferencePool({
    logger: app.log,
    size: () => replySlots(db, readSettings(db)),
    onQueueChange: () => ctx.playground.showQueue(),
    ...(options.inferenceIdleMs ? { idleMs: options.inferenceIdleMs } : {}),
    ...(options.inferenceWorkerPath ? { workerPath: options.inferenceWorkerPath } : {}),
  });
  const sampler = new ResourceSampler(options.home, options.resourceIntervalMs ?? 2000);
  const ctx: AppContext = {
    workspace: options.home,
    db,
    bus,
    jobs,
    runner,
    sampler,
    models: new ModelService(db, options.home),
    datasets: new DatasetService(db, options.home, () => readSettings(db).uploadLimitMiB * 2 ** 20),
    evaluation: new EvaluationService(db, options.home, jobs),
    inference,
    playground: new PlaygroundService(db, inference, () => readSettings(db)),
    startedAt: Date.now(),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    routes: [],
  };
  app.decorate('ctx', ctx);
  // A job starting or ending changes how many replies may run (see replySlots).
  bus.subscribe((event) => event.kind === 'status' && inference.pump());
  // Downloads are stored once they arrived whole (a failed one stores nothing).
  jobs.onSucceeded('download-model', (job) => {
    ctx.models.registerDownloaded(job);
  });
  jobs.onSucceeded('import-dataset', async (job) => {
    await ctx.datasets.importDownloaded(job);
  });

  const interrupted = jobs.interruptLeftovers('The server stopped while this job ran (it was restarted or crashed).');
  recordActivity(db, 'server.started', `QLoRA Studio ${appVersion} started${interrupted.length ? `; ${interrupted.length} job(s) were interrupted` : ''}`);

  installErrorHandler(app);
  installAuth(app, db, ctx.routes);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'QLoRA Studio API', version: appVersion, description: 'Fine-tune language models with QLoRA.' },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  systemRoutes(app, ctx);
  jobRoutes(app, ctx);
  modelRoutes(app, ctx);
  datasetRoutes(app, ctx);
  evaluationRoutes(app, ctx);
  workspaceRoutes(app, ctx);
  streamRoutes(app, ctx);
  playgroundRoutes(app, ctx);
  await serveWebApp(app, options.webRoot ?? null);

  app.addHook('onReady', async () => {
    sampler.start();
    runner.start();
  });
  app.addHook('preClose', async () => {
    sampler.stop();
    await Promise.all([runner.stop(), inference.stop()]);
  });
  app.addHook('onClose', async () => db.close());
  return app;
}
