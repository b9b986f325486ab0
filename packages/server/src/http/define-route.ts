import { apiRoutes, errorBodySchema, type ApiRoutes, type RouteName, type RouteSpec, type Session } from '@qlora-studio/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;
type Part<N extends RouteName, K extends string> = ApiRoutes[N] extends Record<K, infer S> ? Parsed<S> : undefined;
type Reply<N extends RouteName> = ApiRoutes[N]['response'] extends z.ZodType ? z.input<ApiRoutes[N]['response']> : void;

/** What a route handler receives: validated params, query and body, and the caller. */
export interface RouteContext<N extends RouteName> {
  params: Part<N, 'params'>;
  query: Part<N, 'query'>;
  body: Part<N, 'body'>;
  session: Session;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * Register a route from the contracts table: its schemas (validation, serialization and
 * OpenAPI) and its permission come from there, so the server cannot drift from the client.
 */
export function defineRoute<N extends RouteName>(app: FastifyInstance, name: N, handler: (ctx: RouteContext<N>) => Promise<Reply<N>> | Reply<N>): void {
  const spec: RouteSpec = apiRoutes[name];
  const status = spec.successStatus ?? 200;
  app.route({
    method: spec.method,
    url: spec.path,
    config: { permission: spec.permission },
    ...(spec.bodyLimitBytes ? { bodyLimit: spec.bodyLimitBytes } : {}),
    schema: {
      operationId: name,
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { querystring: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: {
        ...(spec.response ? { [status]: spec.response } : {}),
        '4xx': errorBodySchema,
        '5xx': errorBodySchema,
      },
    },
    handler: async (request, reply) => {
      const result = await handler({
        params: request.params as Part<N, 'params'>,
        query: request.query as Part<N, 'query'>,
        body: request.body as Part<N, 'body'>,
        session: request.session as Session,
        request,
        reply,
      });
      reply.code(status);
      return spec.response ? result : reply.send();
    },
  });
}
