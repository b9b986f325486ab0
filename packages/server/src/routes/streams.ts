import { sseEventNames, streams, type JobEvent } from '@qlora-studio/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { formatSse, formatSseComment, resumeId } from '../http/sse.js';
import { latestEventId, listJobEvents } from '../store/events-repo.js';
import { getJobOrThrow } from '../store/jobs-repo.js';

const replayPage = 1000;
/** A client this far behind is cut off; it reconnects and resumes with Last-Event-ID. */
const maxBufferedBytes = 1024 * 1024;

/**
 * Stream job events: first the stored ones after `afterId` (in pages), then live ones. The
 * replay reads the database synchronously, so no live event can slip in between; the id check
 * drops any event already sent.
 */
function streamEvents(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, afterId: number, jobId?: string): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(formatSse({ retry: 3000 }));

  let lastSent = afterId;
  const send = (event: JobEvent) => {
    if (event.id <= lastSent) return;
    lastSent = event.id;
    res.write(formatSse({ id: event.id, event: sseEventNames.job, data: JSON.stringify(event) }));
    if (res.writableLength > maxBufferedBytes) res.destroy();
  };
  for (;;) {
    const page = listJobEvents(ctx.db, { afterId: lastSent, limit: replayPage, ...(jobId ? { jobId } : {}) });
    page.forEach(send);
    if (page.length < replayPage) break;
  }
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (jobId === undefined || event.jobId === jobId) send(event);
  });
  res.write(formatSse({ event: sseEventNames.ready, data: JSON.stringify({ lastEventId: lastSent }) }));

  const heartbeat = setInterval(() => res.write(formatSseComment('heartbeat')), ctx.heartbeatMs);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  request.raw.on('close', close);
  res.on('close', close);
  res.on('error', close);
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
      streamEvents(ctx, request, reply, afterId);
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
      streamEvents(ctx, request, reply, afterId, id);
    },
  );
}
