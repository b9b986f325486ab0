import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { listActivity, recordActivity } from '../store/activity-repo.js';
import { readOverview } from '../store/overview-repo.js';
import { readSettings, writeSettings } from '../store/settings-repo.js';

export function workspaceRoutes(app: FastifyInstance, ctx: AppContext): void {
  defineRoute(app, 'listActivity', ({ query }) => ({ events: listActivity(ctx.db, query.limit) }));
  defineRoute(app, 'getOverview', () => readOverview(ctx.db));

  defineRoute(app, 'getSettings', () => readSettings(ctx.db));

  defineRoute(app, 'updateSettings', ({ body }) => {
    const before = readSettings(ctx.db);
    const after = writeSettings(ctx.db, body);
    const changed = (Object.keys(body) as (keyof typeof body)[]).filter((key) => before[key] !== after[key]);
    if (changed.length > 0) {
      recordActivity(ctx.db, 'settings.changed', `Settings changed: ${changed.map((k) => `${k} ${before[k]} → ${after[k]}`).join(', ')}`);
      ctx.runner.pump();
      ctx.inference.pump();
    }
    return after;
  });
}
