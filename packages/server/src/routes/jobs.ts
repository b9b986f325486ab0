import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { listJobEvents, listJobMetrics } from '../store/events-repo.js';
import { TrainingCalibrator } from '../jobs/calibrator.js';
import { deleteJobWithFiles, resumeJob, retryJob } from '../jobs/job-actions.js';
import { estimateTrainJob } from '../jobs/train-estimate.js';
import { resolveTrainJob } from '../jobs/train-job.js';
import { getJobOrThrow, jobsWithStatus, listJobs } from '../store/jobs-repo.js';

export function jobRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'listJobs', ({ query }) => ({ jobs: listJobs(ctx.db, query) }));

  defineRoute(app, 'createJob', ({ body }) => {
    // An evaluation is resolved (and may come from the results cache) by the evaluation service.
    const job =
      body.type === 'evaluate'
        ? ctx.evaluation.launchOne(body.config, body.title)
        : ctx.jobs.create(body.type === 'train' ? { type: 'train', config: resolveTrainJob(ctx.db, ctx.workspace, body.config), title: body.title } : body);
    ctx.runner.pump();
    return job;
  });

  // Measures training speed per model shape for the estimate, in its own process; stopped with the server.
  const calibrator = new TrainingCalibrator({
    db: ctx.db,
    logger: app.log,
    trainingRunning: () => jobsWithStatus(ctx.db, 'running').some((job) => job.type === 'train'),
  });
  app.addHook('preClose', () => calibrator.stop());
  defineRoute(app, 'estimateTraining', ({ body }) => estimateTrainJob(ctx.db, ctx.workspace, ctx.datasets, calibrator, body));

  defineRoute(app, 'getJob', ({ params }) => getJobOrThrow(ctx.db, params.id));

  defineRoute(app, 'updateJob', ({ params, body }) => ctx.jobs.rename(params.id, body.title));

  defineRoute(app, 'cancelJob', ({ params }) => {
    const job = ctx.jobs.requestCancel(params.id);
    ctx.runner.cancel(job.id);
    return job;
  });

  defineRoute(app, 'retryJob', ({ params }) => retryJob(ctx, params.id));
  defineRoute(app, 'resumeJob', ({ params }) => resumeJob(ctx, params.id));
  defineRoute(app, 'deleteJob', ({ params }) => deleteJobWithFiles(ctx, params.id));

  defineRoute(app, 'listJobEvents', ({ params, query }) => {
    getJobOrThrow(ctx.db, params.id);
    return {
      events: listJobEvents(ctx.db, { jobId: params.id, afterId: query.after, limit: query.limit, ...(query.kind ? { kind: query.kind } : {}) }),
    };
  });

  defineRoute(app, 'getJobMetrics', ({ params }) => {
    getJobOrThrow(ctx.db, params.id);
    return { series: listJobMetrics(ctx.db, params.id) };
  });
}
