import type { EvaluationReportSection } from '@qlora-studio/contracts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { createSampleBenchmark, listSampleBenchmarks } from '../evaluation/samples/index.js';
import { defineRoute } from '../http/define-route.js';

/** Benchmarks, their preview, built-in samples, batches of evaluate jobs and their results (see evaluation/evaluation-service.ts). */
export function evaluationRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'listBenchmarks', () => ctx.evaluation.list());
  defineRoute(app, 'createBenchmark', ({ body }) => ctx.evaluation.create(body));
  defineRoute(app, 'previewBenchmark', ({ body }) => ctx.evaluation.preview(body));
  defineRoute(app, 'listBenchmarkSamples', () => listSampleBenchmarks());
  defineRoute(app, 'createSampleBenchmark', ({ params, body }) => createSampleBenchmark(ctx, params.sampleId, body));
  defineRoute(app, 'getBenchmark', ({ params, query }) => ctx.evaluation.get(params.id, query.version));
  defineRoute(app, 'createBenchmarkVersion', ({ params, body }) => ctx.evaluation.createVersion(params.id, body));
  defineRoute(app, 'deleteBenchmark', ({ params }) => ctx.evaluation.delete(params.id));
  defineRoute(app, 'launchEvaluation', ({ body }) => {
    const batch = ctx.evaluation.launch(body);
    ctx.runner.pump();
    return batch;
  });
  // Running jobs are asked to stop as a single job's cancel asks (the runner starts the next job when one exits).
  defineRoute(app, 'cancelEvaluationBatch', ({ params }) => ctx.evaluation.cancelBatch(params.batchId, (jobId) => ctx.runner.cancel(jobId)));
  defineRoute(app, 'retryEvaluationBatch', ({ params }) => {
    const batch = ctx.evaluation.retryBatch(params.batchId);
    ctx.runner.pump();
    return batch;
  });
  defineRoute(app, 'listEvaluations', ({ query }) => ctx.evaluation.results(query));
  defineRoute(app, 'compareEvaluations', ({ query }) => ctx.evaluation.compare(query.jobIds.split(',')));
  defineRoute(app, 'downloadEvaluationReport', async ({ query, reply }) => {
    const sections = query.sections?.split(',') as EvaluationReportSection[] | undefined;
    const report = await ctx.evaluation.report(query.jobIds.split(','), query.format, sections);
    // The file name is ASCII (a slug of the benchmark's name).
    reply.header('content-type', report.contentType).header('content-disposition', `attachment; filename="${report.filename}"`);
    return report.body;
  });
}
