import { sseEventNames, streams, type JobEvent } from '@qlora-studio/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { openEventStream } from '../http/event-stream.js';
import { resumeId } from '../http/sse.js';
import { latestEventId, listJobEvents } from '../store/events-repo.js';
import { getJobOrThrow } from '../store/jobs-repo.js';

const replayPage = 1000;

/**
 * Stream job events: first the stored ones after `afterId` (in pages), then live ones. The
 * replay reads the database synchronously, so no live event can slip in between; the id check
 * drops any event already sent. A client cut off for falling behind resumes with Last-Event-ID.
 */
function streamEvents(ctx: AppContext, reply: FastifyReply, afterId: number, jobId?: string): void {
  const stream = openEventStream(reply, { retryMs: 3000, heartbeatMs: ctx.heartbeatMs });

  let lastSent = afterId;
  const send = (event: JobEvent) => {
    if (event.id <= lastSent) return;
    lastSent = event.id;
    stream.send({ id: event.id, event: sseEventNames.job, data: JSON.stringify(event) });
  };
  for (;;) {
    const page = listJobEvents(ctx.db, { afterId: lastSent, limit: replayPage, ...(jobId ? { jobId } : {}) });
    page.forEach(send);
    if (page.length < replayPage || stream.closed) break;
  }
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (jobId === undefined || event.jobId === jobId) send(event);
  });
  stream.onClose(unsubscribe);
  stream.send({ event: sseEventNames.ready, data: JSON.stringify({ lastEventId: lastSent }) });
}

const streamQuery = z.object({ lastEventId: z.string().optional(), access_token: z.string().optional() });

export function streamRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    streams.allEvents.path,
    {
      config: { permission: streams.allEvents.permission, stream: true },
      schema: { summary: streams.allEvents.summary, tags: ['events'], querystring: streamQuery, produces: ['text/event-stream'] },
    },
    (request, reply) => {
      // Without a resume point the global stream starts from now: history is in the job lists.
      const afterId = resumeId(request.headers['last-event-id'], request.query) ?? latestEventId(ctx.db);
      streamEvents(ctx, reply, afterId);
    },
  );

  app.get(
    streams.jobEvents.path,
    {
      config: { permission: streams.jobEvents.permission, stream: true },
      schema: {
        summary: streams.jobEvents.summary,
        tags: ['events'],
        params: z.object({ id: z.string() }),
        querystring: streamQuery,
        produces: ['text/event-stream'],
      },
    },
    (request, reply) => {
      const { id } = request.params as { id: string };
      getJobOrThrow(ctx.db, id);
      // Without a resume point a job stream replays the job's whole history.
      const afterId = resumeId(request.headers['last-event-id'], request.query) ?? 0;
      streamEvents(ctx, reply, afterId, id);
    },
  );
}
