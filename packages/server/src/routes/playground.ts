import { firstChars, playgroundStreamEvents, streams, type Session } from '@qlora-studio/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { defineRoute } from '../http/define-route.js';
import { openEventStream, type EventStream } from '../http/event-stream.js';
import type { Caller } from '../store/playground-repo.js';

/** Sessions belong to whoever started them: an access token, or this machine. */
function callerOf(session: Session): Caller {
  return { tokenId: session.tokenId, label: session.tokenName ?? 'this machine' };
}

export function playgroundRoutes(app: FastifyInstance, ctx: AppContext): void {
  const playground = ctx.playground;
  defineRoute(app, 'getPlaygroundCatalogue', () => playground.catalogue());
  defineRoute(app, 'warmPlayground', () => ctx.inference.warm());
  defineRoute(app, 'createPlaygroundRun', ({ body, session }) => playground.createRun(body, callerOf(session)));
  defineRoute(app, 'getPlaygroundRun', ({ params, session }) => playground.getRun(params.id, callerOf(session)));
  defineRoute(app, 'stopPlaygroundRun', ({ params, body, session }) => playground.stop(params.id, callerOf(session), body.pane));
  defineRoute(app, 'updatePlaygroundPane', ({ params, body, session }) => playground.updatePane(params.id, params.pane, body, callerOf(session)));
  defineRoute(app, 'listPlaygroundSessions', ({ query, session }) => playground.listSessions(callerOf(session), query));
  defineRoute(app, 'createPlaygroundSession', ({ body, session }) => playground.createSession(callerOf(session), body));
  defineRoute(app, 'getPlaygroundSession', ({ params, session }) => playground.getSession(params.id, callerOf(session)));
  defineRoute(app, 'updatePlaygroundSession', ({ params, body, session }) => playground.updateSession(params.id, callerOf(session), body));
  defineRoute(app, 'deletePlaygroundSession', ({ params, session }) => playground.deleteSession(params.id, callerOf(session)));
  defineRoute(app, 'exportPlaygroundSession', ({ params, session, reply }) => {
    const file = playground.exportSession(params.id, callerOf(session));
    // A plain-ASCII name for every client, and the exact title (RFC 5987) for those that read it.
    const ascii =
      file.session.title
        .replace(/[^\w .-]+/g, '')
        .trim()
        .slice(0, 60) || 'session';
    const exact = encodeURIComponent(`${firstChars(file.session.title, 60)}.playground.json`);
    reply.header('content-disposition', `attachment; filename="${ascii}.playground.json"; filename*=UTF-8''${exact}`);
    return file;
  });
  defineRoute(app, 'importPlaygroundSession', ({ body, session }) => playground.importSession(body, callerOf(session)));

  app.get(
    streams.playgroundRun.path,
    {
      config: { permission: streams.playgroundRun.permission, stream: true },
      schema: {
        summary: streams.playgroundRun.summary,
        tags: ['playground'],
        params: z.object({ id: z.string() }),
        querystring: z.object({ access_token: z.string().optional() }),
        produces: ['text/event-stream'],
      },
    },
    (request, reply) => {
      const { id } = request.params as { id: string };
      // Set once the stream opens, below; the run's listener is only called later, on a new token or pane change.
      let stream: EventStream | null = null;
      const send = (event: string, data: unknown) => stream?.send({ event, data: JSON.stringify(data) });
      // Subscribing and taking the snapshot happen together, so no change falls between them.
      // An unknown or foreign run throws here, before the stream opens, so the client gets the usual error.
      const followed = playground.follow(id, callerOf(request.session as Session), (event) => {
        send(playgroundStreamEvents[event.type], event.data);
        if (event.type === 'end') stream?.end();
      });
      // Without ids a client that reconnects (after a drop, or cut off for falling behind) starts again from a fresh snapshot.
      stream = openEventStream(reply, { retryMs: 2000, heartbeatMs: ctx.heartbeatMs });
      stream.onClose(followed.unsubscribe);
      send(playgroundStreamEvents.snapshot, followed.snapshot);
      if (followed.finished) {
        send(playgroundStreamEvents.end, followed.snapshot);
        stream.end();
      }
    },
  );
}
