import { ApiError, roleHasPermission, roleLabels, rolePermissions, type Permission, type Session } from '@qlora-studio/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../store/database.js';
import { findToken } from '../store/tokens-repo.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs for this route. Every /api route must declare one. */
    permission?: Permission;
    /** An event stream: the only kind of route that accepts `?access_token=`. */
    stream?: boolean;
  }
  interface FastifyRequest {
    session: Session | null;
  }
}

export interface RouteRecord {
  method: string;
  url: string;
  permission: Permission | undefined;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
    return match[1];
  }
  // EventSource cannot send headers, so event streams (and only they) accept the token in the
  // query string; the request log strips it (see redactUrl).
  if (!request.routeOptions.config.stream) return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : undefined;
}

/** A URL with any access token replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/g, '$1[redacted]');
}

/**
 * Loopback trust must not extend to a web page that reached 127.0.0.1 through DNS rebinding:
 * such a request carries the attacker's host name. Only local host names are trusted.
 */
function isLocalHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Who is calling: a token's role, or the practitioner when the request comes from this machine. */
export function resolveSession(db: Db, request: FastifyRequest): Session {
  const token = bearerToken(request);
  if (token !== undefined) {
    const record = findToken(db, token);
    if (!record) throw new ApiError('UNAUTHENTICATED', 'The access token is unknown or has been revoked.');
    return { role: record.role, permissions: [...rolePermissions[record.role]], via: 'token', tokenName: record.name, tokenId: record.id };
  }
  if (isLoopback(request.ip)) {
    if (!isLocalHostHeader(request.headers.host)) {
      throw new ApiError(
        'FORBIDDEN',
        `Requests from this machine must address it as localhost or 127.0.0.1, not "${request.headers.host ?? ''}" (this guards against DNS rebinding).`,
      );
    }
    return { role: 'practitioner', permissions: [...rolePermissions.practitioner], via: 'loopback', tokenName: null, tokenId: null };
  }
  throw new ApiError('UNAUTHENTICATED', 'Requests from other machines need an access token.');
}

/**
 * Authentication and authorization for every /api route: each must declare a permission
 * (checked when routes are registered), and each request is checked against it before its
 * body is even read.
 */
export function installAuth(app: FastifyInstance, db: Db, routes: RouteRecord[]): void {
  app.decorateRequest('session', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    if (route.url.startsWith('/api/docs')) {
      // The OpenAPI pages come from @fastify/swagger-ui: readable by whoever may read the system.
      route.config = { ...route.config, permission: route.config?.permission ?? 'system:read' };
    }
    const permission = route.config?.permission;
    if (!permission) throw new Error(`Route ${String(route.method)} ${route.url} declares no permission.`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, permission });
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission) return;
    const session = resolveSession(db, request);
    if (!roleHasPermission(session.role, permission)) {
      throw new ApiError('FORBIDDEN', `A ${roleLabels[session.role]} may not do this (it needs the "${permission}" permission).`, {
        permission,
        role: session.role,
      });
    }
    request.session = session;
  });
}
