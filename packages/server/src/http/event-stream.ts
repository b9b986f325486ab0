/**
 * One server-sent event stream over a Fastify reply: every stream (job events, Playground
 * runs) opens through here, so each gets the same headers, heartbeat, cleanup and slow-client
 * cut-off.
 */
import type { FastifyReply } from 'fastify';
import { formatSse, formatSseComment, type SseMessage } from './sse.js';

/**
 * Bytes a client may leave unread (in Node's buffer and the socket's) before it is cut off.
 * A stalled tab would otherwise make the server hold every event for it in memory; cut off,
 * its EventSource reconnects and resumes with Last-Event-ID (or, without ids, from a fresh
 * snapshot).
 */
export const defaultMaxBufferedBytes = 1024 * 1024;

export interface EventStreamOptions {
  /** How long the client waits before reconnecting after the stream drops (the `retry:` field). */
  retryMs: number;
  /** A comment is sent this often, so that proxies and browsers keep a quiet stream open. */
  heartbeatMs: number;
  maxBufferedBytes?: number;
}

export interface EventStream {
  /** Send one event; false (and nothing sent) once the stream has ended. */
  send(message: SseMessage): boolean;
  /** End the stream from the server's side (it has nothing more to say). */
  end(): void;
  /** Run `cleanup` once when the stream ends for any reason: ended, client gone, or cut off. */
  onClose(cleanup: () => void): void;
  readonly closed: boolean;
}

/**
 * Take over the reply (Fastify sends nothing more) and open an event stream on it. Call it
 * only once nothing can fail any more: an error thrown before it is answered as JSON with the
 * usual error shape, after it the response is already a stream.
 */
export function openEventStream(reply: FastifyReply, options: EventStreamOptions): EventStream {
  const limit = options.maxBufferedBytes ?? defaultMaxBufferedBytes;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });

  // `ended`: nothing more is written (the server ended it, the client left, or it was cut off).
  // `finished`: the response closed and the cleanups ran.
  let ended = false;
  let finished = false;
  const cleanups: (() => void)[] = [];
  const heartbeat = setInterval(() => write(formatSseComment('heartbeat')), options.heartbeatMs);
  const finish = () => {
    ended = true;
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    for (const cleanup of cleanups) cleanup();
  };
  // The response closes when it has ended, when the client goes away, and when it is destroyed.
  res.on('close', finish);
  res.on('error', finish);

  function write(text: string): boolean {
    if (ended) return false;
    res.write(text);
    // `write` returning false only means Node's small buffer is full, which a burst (a job's
    // replayed history) does to a healthy client too; a client this far behind is stuck.
    if (res.writableLength > limit) {
      ended = true;
      res.destroy();
      return false;
    }
    return true;
  }

  write(formatSse({ retry: options.retryMs }));
  return {
    send: (message) => write(formatSse(message)),
    end: () => {
      if (ended) return;
      ended = true;
      res.end();
    },
    onClose: (cleanup) => {
      if (finished) cleanup();
      else cleanups.push(cleanup);
    },
    get closed() {
      return ended;
    },
  };
}
