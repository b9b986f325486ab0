import { errorCatalogue } from '@qlora-studio/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiClientError, buildRequest, createApiClient, parseErrorResponse, toQueryString } from './api-client';

describe('parseErrorResponse', () => {
  it('reads the API error body and adds the catalogue hint', () => {
    const error = parseErrorResponse(409, JSON.stringify({ error: { code: 'JOB_NOT_CANCELABLE', message: 'Job abc has already finished.' } }));
    expect(error).toBeInstanceOf(ApiClientError);
    expect(error.code).toBe('JOB_NOT_CANCELABLE');
    expect(error.status).toBe(409);
    expect(error.message).toBe('Job abc has already finished.');
    expect(error.hint).toBe(errorCatalogue.JOB_NOT_CANCELABLE.hint);
  });

  it('names the fields of a validation failure', () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid.',
        details: [{ path: ['body', 'jobConcurrency'], message: 'Too big: expected number to be <=8' }],
      },
    };
    const error = parseErrorResponse(400, JSON.stringify(body));
    expect(error.message).toContain('body.jobConcurrency: Too big');
    expect(error.details).toEqual(body.error.details);
  });

  it('does not repeat a problem the message already states', () => {
    const message = 'The request body is not valid: "jobConcurrency" Too big: expected number to be <=8';
    const body = {
      error: { code: 'VALIDATION_FAILED', message, details: { issues: [{ path: 'jobConcurrency', message: 'Too big: expected number to be <=8' }] } },
    };
    expect(parseErrorResponse(400, JSON.stringify(body)).message).toBe(message);
  });

  it('falls back to the HTTP status when the body is not an API error', () => {
    const error = parseErrorResponse(403, '<html>Forbidden</html>', 'Forbidden');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.hint).toBe(errorCatalogue.FORBIDDEN.hint);
  });

  it('maps an unknown code to one from the status', () => {
    const error = parseErrorResponse(500, JSON.stringify({ error: { code: 'SOMETHING_NEW', message: 'Boom' } }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('Boom');
  });

  it('copes with an empty body', () => {
    expect(parseErrorResponse(418, '', "I'm a teapot").code).toBe('UNEXPECTED_RESPONSE');
  });
});

describe('buildRequest', () => {
  it('fills the path, adds the query and the token', () => {
    const req = buildRequest('listJobEvents', { params: { id: 'j 1' }, query: { after: 5, kind: undefined } }, 'secret');
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/api/jobs/j%201/events?after=5');
    expect(req.headers.Authorization).toBe('Bearer secret');
    expect(req.body).toBeUndefined();
  });

  it('sends a JSON body', () => {
    const req = buildRequest('createJob', { body: { type: 'system-check', config: {} } }, null);
    expect(req.method).toBe('POST');
    expect(req.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(req.body!)).toEqual({ type: 'system-check', config: {} });
    expect(req.headers.Authorization).toBeUndefined();
  });
});

describe('toQueryString', () => {
  it('is empty without values', () => {
    expect(toQueryString({ a: undefined })).toBe('');
  });
});

describe('createApiClient', () => {
  const reply = (status: number, body: string) => new Response(status === 204 ? null : body, { status });

  it('resolves with the parsed reply', async () => {
    const fetch = vi.fn().mockResolvedValue(reply(200, JSON.stringify({ jobs: [] })));
    const client = createApiClient({ fetch, getToken: () => null });
    await expect(client.call('listJobs', { query: { limit: 5 } })).resolves.toEqual({ jobs: [] });
    expect(fetch.mock.calls[0]![0]).toBe('/api/jobs?limit=5');
  });

  it('resolves with undefined for 204', async () => {
    const client = createApiClient({ fetch: vi.fn().mockResolvedValue(reply(204, '')), getToken: () => null });
    await expect(client.call('deleteJob', { params: { id: 'x' } })).resolves.toBeUndefined();
  });

  it('says the server cannot be reached when fetch fails', async () => {
    const client = createApiClient({ fetch: vi.fn().mockRejectedValue(new TypeError('Failed to fetch')), getToken: () => null });
    await expect(client.call('getHealth')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0, message: expect.stringMatching(/can.t be reached/) });
  });

  it('treats a proxy 502 as the server being unreachable', async () => {
    const client = createApiClient({ fetch: vi.fn().mockResolvedValue(reply(502, 'Bad gateway')), getToken: () => null });
    await expect(client.call('getHealth')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('rejects with the API error', async () => {
    const body = JSON.stringify({ error: { code: 'JOB_NOT_FOUND', message: 'No job x.' } });
    const client = createApiClient({ fetch: vi.fn().mockResolvedValue(reply(404, body)), getToken: () => null });
    await expect(client.call('getJob', { params: { id: 'x' } })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', hint: errorCatalogue.JOB_NOT_FOUND.hint });
  });
});
