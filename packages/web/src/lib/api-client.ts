import { apiRoutes, errorCatalogue, fillPath, type ErrorCode, type RouteInput, type RouteName, type RouteOutput } from '@qlora-studio/contracts';
import { getToken } from './auth-token';

/** Error codes the client adds to the server's catalogue. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';
export type ApiClientErrorCode = ErrorCode | ClientErrorCode;

const clientHints: Record<ClientErrorCode, string> = {
  NETWORK_ERROR: 'Check that the QLoRA Studio server is still running (start it with `npm start`), then try again.',
  UNEXPECTED_RESPONSE: 'The server answered in a way this page does not understand. Reload the page; if it persists, restart the server.',
};

/** Hint for a code: what the user can do next. */
export function hintFor(code: ApiClientErrorCode): string {
  return code in errorCatalogue ? errorCatalogue[code as ErrorCode].hint : clientHints[code as ClientErrorCode];
}

/** A failed API call: the server's code and message, plus the catalogue's hint. */
export class ApiClientError extends Error {
  readonly code: ApiClientErrorCode;
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  readonly hint: string;
  readonly details: unknown;
  constructor(code: ApiClientErrorCode, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiClientError';
    this.code = code;
    this.status = status;
    this.hint = hintFor(code);
    this.details = details;
  }
}

export function isApiClientError(error: unknown): error is ApiClientError {
  return error instanceof ApiClientError;
}

/** Status → the catalogue code that best explains it, for replies without an error body. */
function codeForStatus(status: number): ErrorCode | ClientErrorCode {
  const byStatus: Record<number, ErrorCode> = {
    400: 'VALIDATION_FAILED',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    413: 'PAYLOAD_TOO_LARGE',
    429: 'RATE_LIMITED',
    500: 'INTERNAL',
    503: 'DATABASE_UNAVAILABLE',
  };
  return byStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'UNEXPECTED_RESPONSE');
}

/** Field-level problems in `details` (zod issues, or `{ issues: [{ path, message }] }`). */
function detailIssues(details: unknown): { where: string; message: string }[] {
  const list = Array.isArray(details)
    ? details
    : details && typeof details === 'object' && Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : [];
  return list.flatMap((issue) => {
    if (!issue || typeof issue !== 'object') return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    return [{ where, message }];
  });
}

/** The problems the message does not already name, as one line; null when there are none. */
function describeDetails(details: unknown, message: string): string | null {
  const missing = detailIssues(details).filter((i) => !message.includes(i.message));
  if (!missing.length) return null;
  return missing
    .slice(0, 3)
    .map((i) => (i.where && i.where !== '(root)' ? `${i.where}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Turns a non-2xx reply into an ApiClientError. Understands the API's error body
 * `{ error: { code, message, details? } }` and falls back to the HTTP status for anything else
 * (a proxy's HTML page, an empty body).
 */
export function parseErrorResponse(status: number, bodyText: string, statusText = ''): ApiClientError {
  let body: unknown;
  try {
    body = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    body = null;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error && typeof error === 'object') {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    const known = typeof code === 'string' && code in errorCatalogue;
    const finalCode = known ? (code as ErrorCode) : codeForStatus(status);
    let text = typeof message === 'string' && message ? message : `The server answered ${status} ${statusText}`.trim();
    const fields = finalCode === 'VALIDATION_FAILED' ? describeDetails(details, text) : null;
    if (fields) text = `${text} (${fields})`;
    return new ApiClientError(finalCode, text, status, details);
  }
  const code = codeForStatus(status);
  const fallback: Partial<Record<ApiClientErrorCode, string>> = {
    UNAUTHENTICATED: 'You need an access token to use this server.',
    FORBIDDEN: 'Your role does not allow this.',
    NOT_FOUND: 'Not found.',
    INTERNAL: 'The server hit an unexpected error.',
    DATABASE_UNAVAILABLE: 'The server is not ready.',
  };
  return new ApiClientError(code, fallback[code] ?? `The server answered ${status} ${statusText}`.trim(), status);
}

/** The error for a request that never got an answer. */
export function networkError(): ApiClientError {
  return new ApiClientError('NETWORK_ERROR', 'The QLoRA Studio server can’t be reached.', 0);
}

type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x` from an object, skipping undefined and null values. */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The HTTP request for calling route `name` with `input`. Pure, so it can be tested. */
export function buildRequest<N extends RouteName>(name: N, input: Partial<RouteInput<N>> | undefined, token: string | null): BuiltRequest {
  const route = apiRoutes[name];
  const { params, query, body } = (input ?? {}) as { params?: Record<string, string>; query?: Record<string, QueryValue>; body?: unknown };
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const request: BuiltRequest = { method: route.method, url: fillPath(route.path, params) + toQueryString(query), headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    request.body = JSON.stringify(body);
  }
  return request;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Let the request finish even if the page is closing (a save on pagehide). */
  keepalive?: boolean;
}

type CallArgs<N extends RouteName> =
  object extends RouteInput<N> ? [input?: RouteInput<N>, options?: CallOptions] : [input: RouteInput<N>, options?: CallOptions];

export interface ApiClientConfig {
  fetch?: typeof fetch;
  getToken?: () => string | null;
  baseUrl?: string;
}

export function createApiClient(config: ApiClientConfig = {}) {
  const doFetch = config.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const readToken = config.getToken ?? getToken;
  const baseUrl = config.baseUrl ?? '';

  return {
    /** Calls a route of the API by name; resolves with its typed reply, rejects with ApiClientError. */
    async call<N extends RouteName>(name: N, ...[input, options]: CallArgs<N>): Promise<RouteOutput<N>> {
      const request = buildRequest(name, input as Partial<RouteInput<N>> | undefined, readToken());
      let response: Response;
      try {
        response = await doFetch(baseUrl + request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: options?.signal,
          ...(options?.keepalive ? { keepalive: true } : {}),
        });
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        throw networkError();
      }
      const text = await response.text().catch(() => '');
      // A dev proxy answers 502/504 when the API is down: say so plainly.
      if ((response.status === 502 || response.status === 504) && !text.includes('"error"')) throw networkError();
      if (!response.ok) throw parseErrorResponse(response.status, text, response.statusText);
      if (response.status === 204 || text === '') return undefined as RouteOutput<N>;
      try {
        return JSON.parse(text) as RouteOutput<N>;
      } catch {
        throw new ApiClientError('UNEXPECTED_RESPONSE', 'The server sent a reply that is not JSON.', response.status);
      }
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app's client: same origin, token from localStorage. */
export const api = createApiClient();
