import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { listModels } from '../store/models-repo.js';

export function modelRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'listModels', () => ({ models: listModels(ctx.db) }));
  defineRoute(app, 'registerModel', ({ body }) => ctx.models.register(body));
  defineRoute(app, 'createDemoModel', ({ body }) => ctx.models.createDemo(body));
  defineRoute(app, 'deleteModel', ({ params }) => ctx.models.delete(params.id));
}
