import { apiRoutes, errorCatalogue, roleHasPermission, streams, type Role } from '@qlora-studio/contracts';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAuth, type RouteRecord } from '../src/auth/auth.js';
import { openDatabase } from '../src/store/database.js';
import { makeApp, tokenFor } from './helpers.js';

type App = Awaited<ReturnType<typeof makeApp>>;

interface Caller {
  name: string;
  role: Role | null;
  remoteAddress: string;
  token?: () => string;
}

let app: App;
let base: string;
let callers: Caller[];

beforeAll(async () => {
  app = await makeApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  const practitioner = tokenFor(app, 'practitioner');
  const member = tokenFor(app, 'member');
  callers = [
    { name: 'practitioner on this machine, no token', role: 'practitioner', remoteAddress: '127.0.0.1' },
    { name: 'practitioner with a token, remote', role: 'practitioner', remoteAddress: '10.1.2.3', token: () => practitioner },
    { name: 'team member with a token, remote', role: 'member', remoteAddress: '10.1.2.3', token: () => member },
    { name: 'team member with a token, on this machine', role: 'member', remoteAddress: '::1', token: () => member },
    { name: 'remote caller without a token', role: null, remoteAddress: '10.1.2.3' },
    { name: 'caller with a made-up token', role: null, remoteAddress: '127.0.0.1', token: () => 'qls_not-a-real-token' },
  ];
});
afterAll(() => app.close());

function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, 'job_missing').replace(/\*/g, 'x');
}

/** A body that passes validation, so that what the test sees is the permission check and not a 400. */
function bodyFor(method: string, url: string): unknown {
  if (method === 'POST' && url === apiRoutes.createJob.path) return { type: 'system-check', config: { benchmarkSeconds: 0.2, matrixSize: 64 } };
  if (method === 'PATCH' && url === apiRoutes.updateSettings.path) return { jobConcurrency: 1 };
  return undefined;
}

/** The global stream never ends, so it is opened over the socket and closed once its status is known. */
async function openStream(url: string, token?: string): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(`${base}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal });
  abort.abort();
  return res.status;
}

describe('permission matrix', () => {
  it('covers every route of the contracts table and every stream', () => {
    const registered = new Set(app.ctx.routes.map((r) => `${r.method} ${r.url}`));
    for (const spec of Object.values(apiRoutes)) expect(registered).toContain(`${spec.method} ${spec.path}`);
    for (const stream of Object.values(streams)) expect(registered).toContain(`GET ${stream.path}`);
    expect(registered).toContain('GET /api/docs/json');
  });

  it('lets each role do exactly what its permissions allow, on every route', async () => {
    const checked: string[] = [];
    for (const route of app.ctx.routes.filter((r) => r.method !== 'HEAD')) {
      for (const caller of callers) {
        const token = caller.token?.();
        const url = concrete(route.url);
        const allowed = caller.role !== null && roleHasPermission(caller.role, route.permission!);
        let status: number;
        let code: string | undefined;
        if (url === streams.allEvents.path && allowed) {
          // Every allowed caller here is on loopback or has a token: open the real stream.
          status = await openStream(url, token);
        } else {
          const res = await app.inject({
            method: route.method as 'GET',
            url,
            remoteAddress: caller.remoteAddress,
            headers: token ? { authorization: `Bearer ${token}` } : {},
            ...(bodyFor(route.method, route.url) ? { payload: bodyFor(route.method, route.url) as object } : {}),
          });
          status = res.statusCode;
          code = res.headers['content-type']?.toString().includes('json') ? res.json()?.error?.code : undefined;
        }
        const where = `${route.method} ${route.url} as ${caller.name} → ${status}`;
        if (caller.role === null) {
          expect(status, where).toBe(401);
          expect(code, where).toBe('UNAUTHENTICATED');
        } else if (!allowed) {
          expect(status, where).toBe(403);
          expect(code, where).toBe('FORBIDDEN');
        } else {
          expect([401, 403], where).not.toContain(status);
        }
        checked.push(where);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(app.ctx.routes.filter((r) => r.method !== 'HEAD').length * callers.length);
    // Cancel the system check the allowed callers queued.
    for (const job of app.ctx.db.prepare(`SELECT id FROM jobs WHERE status IN ('queued','running')`).all() as { id: string }[]) {
      await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel` });
    }
  });

  it('keeps team members to reading and inference', () => {
    expect(roleHasPermission('member', 'jobs:read')).toBe(true);
    expect(roleHasPermission('member', 'inference:run')).toBe(true);
    for (const p of ['jobs:launch', 'jobs:cancel', 'jobs:delete', 'settings:write', 'tokens:manage'] as const) {
      expect(roleHasPermission('member', p)).toBe(false);
    }
  });

  it('says who the caller is', async () => {
    const res = await app.inject({ url: '/api/session', remoteAddress: '10.0.0.9', headers: { authorization: `Bearer ${callers[2]!.token!()}` } });
    expect(res.json()).toMatchObject({ role: 'member', via: 'token', tokenName: 'member test' });
    expect(errorCatalogue.FORBIDDEN.status).toBe(403);
  });

  it('takes a token from the query string on event streams only', async () => {
    const member = callers[2]!.token!();
    const stream = await app.inject({ url: `/api/jobs/job_missing/stream?access_token=${member}`, remoteAddress: '10.1.2.3' });
    expect(stream.statusCode).toBe(404); // authenticated, then: no such job
    const list = await app.inject({ url: `/api/jobs?access_token=${member}`, remoteAddress: '10.1.2.3' });
    expect(list.statusCode).toBe(401);
  });

  it('refuses loopback requests addressed to a foreign host name (DNS rebinding)', async () => {
    const res = await app.inject({ url: '/api/jobs', headers: { host: 'evil.example:7860' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/DNS rebinding/);
    for (const host of ['localhost:7860', '127.0.0.1:7860', '[::1]:7860']) {
      expect((await app.inject({ url: '/api/jobs', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('keeps access tokens out of the request log', async () => {
    const lines: string[] = [];
    const logged = await makeApp({ logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } });
    try {
      const token = tokenFor(logged, 'member');
      await logged.inject({ url: `/api/jobs/job_missing/stream?access_token=${token}` });
      expect(lines.join('')).toContain('access_token=[redacted]');
      expect(lines.join('')).not.toContain(token);
    } finally {
      await logged.close();
    }
  });

  it('refuses to register an /api route that declares no permission', () => {
    const bare = Fastify();
    const routes: RouteRecord[] = [];
    installAuth(bare, openDatabase(':memory:'), routes);
    expect(() => bare.get('/api/oops', async () => ({}))).toThrow(/declares no permission/);
  });
});
