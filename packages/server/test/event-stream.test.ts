/**
 * The event-stream helper over real sockets: the stream's head and heartbeat, cleanup when the
 * client goes away, and a client that stops reading is cut off once the bytes it left unread
 * pass the bound, while one that keeps reading gets every event.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream, type EventStream } from '../src/http/event-stream.js';

const bound = 256 * 1024;
let app: FastifyInstance | undefined;

/** A server with one stream route; `opened` resolves with the server's side of the first stream opened. */
async function serve(heartbeatMs: number, retryMs = 1000): Promise<{ url: string; opened: Promise<EventStream>; raw: Promise<http.ServerResponse> }> {
  app = Fastify({ forceCloseConnections: true });
  let resolveOpened!: (s: EventStream) => void;
  let resolveRaw!: (r: http.ServerResponse) => void;
  const opened = new Promise<EventStream>((r) => (resolveOpened = r));
  const raw = new Promise<http.ServerResponse>((r) => (resolveRaw = r));
  app.get('/stream', (_request, reply) => {
    resolveOpened(openEventStream(reply, { retryMs, heartbeatMs, maxBufferedBytes: bound }));
    resolveRaw(reply.raw);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/stream`, opened, raw };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function connect(url: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => resolve({ req, res }));
    req.on('error', reject);
  });
}

/** Read the response until `predicate` holds for all the text read so far. */
function readUntil(res: http.IncomingMessage, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (predicate(text)) {
        res.off('data', onData);
        resolve(text);
      }
    };
    res.on('data', onData);
    res.on('end', () => reject(new Error(`The stream ended after: ${text.slice(0, 200)}`)));
  });
}

describe('openEventStream', () => {
  it('sends the stream head, the retry delay, events and heartbeats', async () => {
    const { url, opened } = await serve(20, 1500);
    const { res } = await connect(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    const stream = await opened;
    expect(stream.send({ id: 7, event: 'job', data: '{"a":1}' })).toBe(true);
    const text = await readUntil(res, (t) => t.split(': heartbeat\n\n').length > 2);
    expect(text.startsWith('retry: 1500\n\nid: 7\nevent: job\ndata: {"a":1}\n\n')).toBe(true);
    res.destroy();
  });

  it('runs its cleanups once when the client goes away, and sends nothing after', async () => {
    const { url, opened } = await serve(10);
    const { req, res } = await connect(url);
    const stream = await opened;
    let cleanups = 0;
    const cleaned = new Promise<void>((resolve) =>
      stream.onClose(() => {
        cleanups++;
        resolve();
      }),
    );
    await readUntil(res, (t) => t.startsWith('retry:'));
    req.destroy();
    await cleaned;
    expect(stream.closed).toBe(true);
    expect(stream.send({ data: 'late' })).toBe(false);
    await new Promise((r) => setTimeout(r, 50)); // a few heartbeat periods: the timer is gone, nothing throws
    expect(cleanups).toBe(1);
    // A cleanup added after the close runs at once.
    let late = false;
    stream.onClose(() => (late = true));
    expect(late).toBe(true);
  });

  it('ends from the server side: the client sees the end, and the cleanups run', async () => {
    const { url, opened } = await serve(1000);
    const { res } = await connect(url);
    const stream = await opened;
    const cleaned = new Promise<void>((resolve) => stream.onClose(resolve));
    stream.send({ event: 'end', data: '{}' });
    stream.end();
    let text = '';
    res.on('data', (c: Buffer) => (text += c.toString('utf8')));
    await new Promise((r) => res.on('end', r));
    await cleaned;
    expect(text).toBe('retry: 1000\n\nevent: end\ndata: {}\n\n');
  });

  it('keeps a client that reads, however much it is sent', async () => {
    const { url, opened, raw } = await serve(1000);
    const { res } = await connect(url);
    const [stream, serverRes] = await Promise.all([opened, raw]);
    const data = 'x'.repeat(16 * 1024);
    const total = 200; // 3.2 MB, many times the bound
    const received = readUntil(res, (t) => t.includes(`id: ${total - 1}\n`));
    for (let i = 0; i < total; i++) {
      expect(stream.send({ id: i, data })).toBe(true);
      // Sent as fast as this client reads: a burst much bigger than the bound would cut off anyone.
      if (serverRes.writableLength > bound / 2) await once(serverRes, 'drain');
    }
    await received;
    expect(stream.closed).toBe(false);
    res.destroy();
  });

  it('cuts off a client that stopped reading once the unread bytes pass the bound', async () => {
    const { url, opened } = await serve(1000);
    const { res } = await connect(url);
    const stream = await opened;
    const cleaned = new Promise<void>((resolve) => stream.onClose(resolve));
    res.pause(); // the client's socket stops reading: the kernel buffers fill, then Node's
    const data = 'x'.repeat(16 * 1024);
    let sent = 0;
    // Socket buffers on loopback take a few MB; 64 MB is far more than they hold.
    while (stream.send({ id: sent, data }) && sent < 4096) {
      sent++;
      if (sent % 8 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(sent).toBeLessThan(4096);
    await cleaned;
    expect(stream.closed).toBe(true);
    // The client sees its stream end (and an EventSource would reconnect with Last-Event-ID).
    const ended = new Promise<void>((resolve) => {
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    res.resume();
    await ended;
  });
});
