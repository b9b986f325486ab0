import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { computeHealth } from '../system/health.js';

export function systemRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'getHealth', () => computeHealth(ctx.db, ctx.workspace, ctx.startedAt));
  defineRoute(app, 'getResources', () => ({ intervalSeconds: ctx.sampler.intervalMs / 1000, samples: ctx.sampler.history() }));
  defineRoute(app, 'getSession', ({ session }) => session);
}
