import { ApiError } from '@qlora-studio/contracts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { listJobEvents, listJobMetrics } from '../store/events-repo.js';
import { estimateTrainJob } from '../jobs/train-estimate.js';
import { resolveTrainJob } from '../jobs/train-job.js';
import { getJobOrThrow, listJobs } from '../store/jobs-repo.js';

export function jobRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'listJobs', ({ query }) => ({ jobs: listJobs(ctx.db, query) }));

  defineRoute(app, 'createJob', ({ body }) => {
    const job = ctx.jobs.create(body.type === 'train' ? { type: 'train', config: resolveTrainJob(ctx.db, ctx.workspace, body.config) } : body);
    ctx.runner.pump();
    return job;
  });

  defineRoute(app, 'estimateTraining', ({ body }) => estimateTrainJob(ctx.db, ctx.workspace, ctx.datasets, body));

  defineRoute(app, 'getJob', ({ params }) => getJobOrThrow(ctx.db, params.id));

  defineRoute(app, 'cancelJob', ({ params }) => {
    const job = ctx.jobs.requestCancel(params.id);
    ctx.runner.cancel(job.id);
    return job;
  });

  defineRoute(app, 'deleteJob', ({ params }) => {
    if (ctx.runner.isRunning(params.id)) {
      throw new ApiError('JOB_NOT_DELETABLE', 'The job is still running; cancel it and wait for it to stop first.');
    }
    ctx.jobs.delete(params.id);
  });

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
