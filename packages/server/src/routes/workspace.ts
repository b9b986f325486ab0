import { ApiError } from '@qlora-studio/contracts';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { judgeChat, JudgeUnreachableError } from '../jobs/judge-client.js';
import { defineRoute } from '../http/define-route.js';
import { listActivity, recordActivity } from '../store/activity-repo.js';
import { readOverview } from '../store/overview-repo.js';
import { readJudgeConnection, readJudgeEndpoint, readSettings, writeJudgeConnection, writeSettings } from '../store/settings-repo.js';

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

  defineRoute(app, 'getJudgeConnection', () => readJudgeConnection(ctx.db));

  defineRoute(app, 'updateJudgeConnection', ({ body }) => {
    const after = writeJudgeConnection(ctx.db, body);
    recordActivity(
      ctx.db,
      'settings.changed',
      after.baseUrl === null
        ? 'Judge endpoint removed'
        : `Judge endpoint set: ${after.model} at ${after.baseUrl}${after.apiKeySet ? ' (with an API key)' : ''}`,
    );
    return after;
  });

  defineRoute(app, 'testJudgeConnection', async () => {
    const endpoint = readJudgeEndpoint(ctx.db);
    if (!endpoint) throw new ApiError('JUDGE_NOT_CONFIGURED', 'No judge endpoint is configured: set its base URL and model first.');
    try {
      const { reply, latencyMs } = await judgeChat(endpoint, 'Reply with the single word: ready', { maxTokens: 16 });
      return { model: endpoint.model, latencyMs: Math.round(latencyMs), reply };
    } catch (error) {
      if (error instanceof JudgeUnreachableError) throw new ApiError('JUDGE_UNREACHABLE', error.message);
      throw error;
    }
  });
}
