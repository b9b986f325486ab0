import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors.js';

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>QLoRA Studio</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>QLoRA Studio</h1><p>The API is running, but the web app has not been built.</p>
<p>Run <code>npm start</code> (it builds the web app first), or <code>npm run build</code> and reload.</p>
<p>The API is documented at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serve the built single-page app: hashed assets cached for good, everything else that is not
 * an API route answered with index.html so client-side routes survive a reload. Unknown API
 * paths get the JSON error shape.
 */
export async function serveWebApp(app: FastifyInstance, webRoot: string | null): Promise<void> {
  const hasApp = webRoot !== null && fs.existsSync(path.join(webRoot, 'index.html'));
  if (hasApp) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: true,
      index: ['index.html'],
      cacheControl: false,
      setHeaders: (res, file) => {
        const immutable = file.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const wantsPage = request.method === 'GET' && !url.startsWith('/api') && !path.extname(url);
    if (!wantsPage) return sendError(reply, 'NOT_FOUND', `Nothing at ${request.method} ${url}.`);
    reply.header('cache-control', 'no-cache');
    if (!hasApp) return reply.type('text/html').send(notBuiltPage);
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
