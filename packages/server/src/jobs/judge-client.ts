/**
 * A small client for the judge: one chat completion against an OpenAI-compatible endpoint
 * (`POST {baseUrl}/chat/completions`), used by the Settings test route and by the evaluate
 * worker (so it is shared by both processes and imports neither side). Every failure becomes a JudgeUnreachableError whose message names the cause (refused
 * connection, HTTP status with the server's own error message, timeout, a reply without text),
 * since "fetch failed" alone tells the user nothing.
 */

/** Where the judge is and how to reach it. The key never leaves the server except to this endpoint (and its worker). */
export interface JudgeEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

export interface JudgeReply {
  reply: string;
  latencyMs: number;
}

/** The judge could not be reached or answered unusably; `message` says why, for the user. */
export class JudgeUnreachableError extends Error {
  readonly code = 'JUDGE_UNREACHABLE';
  readonly hint = 'Check the judge endpoint address, model name and API key in Settings → Connections, and that the server is running.';
  constructor(message: string) {
    super(message);
    this.name = 'JudgeUnreachableError';
  }
}

/** The chat completions address of a base URL such as http://localhost:8000/v1 (a trailing slash is fine). */
export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/** Node's fetch hides the network error in `cause` (ECONNREFUSED, ENOTFOUND, …). */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  if (code === 'ECONNREFUSED') return 'the connection was refused (nothing listens at that address and port)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'ECONNRESET') return 'the server closed the connection';
  // Node's fetch refuses the ports browsers block (e.g. 1–79 but 21–23, 25, … see the Fetch standard).
  if (cause?.message === 'bad port')
    return 'Node refuses to connect to that port (it is on the Fetch standard’s list of blocked ports); serve the judge on another port, e.g. 8000';
  if (code) return `${code}${typeof cause?.message === 'string' ? `: ${cause.message}` : ''}`;
  return typeof cause?.message === 'string' ? cause.message : (error as Error).message;
}

/** The server's own words from an error body: OpenAI's `{error: {message}}`, `{error: "…"}`, `{message}` or the text. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = parsed.error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof error === 'string') return error;
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.detail === 'string') return parsed.detail;
  } catch {
    // not JSON: the text itself
  }
  return body.trim().slice(0, 300);
}

export interface ChatOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Cancels the request (a canceled evaluate job). */
  signal?: AbortSignal;
  maxTokens?: number;
}

/**
 * Send one user message to the judge and return the text of its reply. Greedy (temperature 0),
 * so the same answer gets the same judgment where the server allows it.
 */
export async function judgeChat(endpoint: JudgeEndpoint, content: string, options: ChatOptions = {}): Promise<JudgeReply> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const url = chatCompletionsUrl(endpoint.baseUrl);
  const where = `The judge at ${url}`;
  const started = performance.now();
  let response: Response;
  let body: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}) },
      body: JSON.stringify({
        model: endpoint.model,
        messages: [{ role: 'user', content }],
        temperature: 0,
        ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
      }),
      signal,
    });
    body = await response.text();
  } catch (error) {
    if (options.signal?.aborted) throw error; // canceled: not the judge's fault
    if (timeout.aborted)
      throw new JudgeUnreachableError(`${where} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}.`);
    throw new JudgeUnreachableError(`${where} could not be reached: ${networkCause(error)}.`);
  }
  const latencyMs = performance.now() - started;
  if (!response.ok) {
    const said = serverMessage(body);
    const auth =
      response.status === 401 || response.status === 403 ? ' Check the API key.' : response.status === 404 ? ' Check the base URL and the model name.' : '';
    throw new JudgeUnreachableError(`${where} answered HTTP ${response.status}${said ? `: ${said}` : ''}.${auth}`);
  }
  let reply: unknown;
  try {
    reply = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    throw new JudgeUnreachableError(`${where} answered with something that is not JSON (${body.trim().slice(0, 120)}): is this an OpenAI-compatible endpoint?`);
  }
  if (typeof reply !== 'string') {
    throw new JudgeUnreachableError(
      `${where} answered without choices[0].message.content: is this an OpenAI-compatible chat endpoint, and "${endpoint.model}" a chat model?`,
    );
  }
  return { reply, latencyMs };
}
