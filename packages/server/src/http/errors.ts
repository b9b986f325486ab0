import { ApiError, errorCatalogue, plainIssues, type ErrorBody, type ErrorCode } from '@qlora-studio/contracts';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, details?: unknown): FastifyReply {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return reply.code(errorCatalogue[code].status).type('application/json').send(body);
}

const validationPlace: Record<string, string> = {
  body: 'body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

/** Every failure leaves the server in the one error shape, with a catalogued code. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return sendError(reply, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? '';
      const place = validationPlace[context] ?? 'request';
      // Back to zod issues, then into plain words with the field's label and allowed range.
      const zodIssues = error.validation.map((v) => ({
        ...v.params,
        code: v.keyword,
        path: v.instancePath
          .split('/')
          .filter(Boolean)
          .map((p: string) => (/^\d+$/.test(p) ? Number(p) : p)),
        message: v.message ?? 'is not valid',
      }));
      const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context];
      const issues = plainIssues(zodIssues as Parameters<typeof plainIssues>[0], schema);
      const first = issues[0];
      const summary = first ? ` ${first.message}${first.path === '(root)' ? '' : ` (${first.path})`}` : '';
      return sendError(reply, 'VALIDATION_FAILED', `The request ${place} is not valid:${summary}`.trim(), { issues });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause }, 'a reply did not match its schema');
      return sendError(reply, 'INTERNAL', 'The server produced a reply that does not match its own schema.');
    }
    const status = error.statusCode ?? 500;
    if (status === 404) return sendError(reply, 'NOT_FOUND', error.message);
    if (status === 403) return sendError(reply, 'FORBIDDEN', error.message);
    if (status === 413) return sendError(reply, 'PAYLOAD_TOO_LARGE', error.message);
    if (status === 415) return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', error.message);
    if (status === 429) return sendError(reply, 'RATE_LIMITED', error.message);
    if (status >= 400 && status < 500) return sendError(reply, 'VALIDATION_FAILED', error.message);
    if (typeof error.code === 'string' && error.code.startsWith('SQLITE_')) {
      request.log.error({ err: error }, 'database error');
      return sendError(reply, 'DATABASE_UNAVAILABLE', `The workspace database failed: ${error.message}`);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 'INTERNAL', 'Something went wrong on the server.');
  });
}
