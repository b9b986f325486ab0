import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { listDatasets } from '../store/datasets-repo.js';
import { benchmarksUsingDataset } from '../store/benchmarks-repo.js';
import { jobsUsingDataset } from '../store/jobs-repo.js';

export function datasetRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Uploads are the raw file: hand the stream to the service, which writes it to disk with a limit.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  defineRoute(app, 'listDatasets', () => ({ datasets: listDatasets(ctx.db) }));
  defineRoute(app, 'uploadDataset', ({ request, query }) => ctx.datasets.upload(request.body as Readable, query));
  defineRoute(app, 'uploadDatasetVersion', ({ request, params, query }) => ctx.datasets.uploadVersion(params.id, request.body as Readable, query));
  defineRoute(app, 'importDataset', ({ body }) => ctx.datasets.importPath(body));
  defineRoute(app, 'getDataset', ({ params }) => ctx.datasets.get(params.id));
  defineRoute(app, 'updateDataset', ({ params, body }) => ctx.datasets.rename(params.id, body.name));
  defineRoute(app, 'reparseDataset', ({ params, body }) => ctx.datasets.reparse(params.id, body.parseOptions));
  defineRoute(app, 'deleteDataset', ({ params }) =>
    ctx.datasets.delete(params.id, jobsUsingDataset(ctx.db, params.id), benchmarksUsingDataset(ctx.db, params.id)),
  );
  defineRoute(app, 'listDatasetRecords', ({ params, query }) => ctx.datasets.records(params.id, query));
  defineRoute(app, 'getDatasetReport', ({ params, query }) => ctx.datasets.report(params.id, query));
}
