/**
 * A server-sent-events connection that survives errors: on any error it closes the browser's
 * EventSource, waits (exponential backoff with jitter) and opens a new one whose URL carries
 * `lastEventId=<the last id it saw>`, so the server replays only what was missed.
 * Written against a minimal EventSource interface so it runs under test without a browser.
 */

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The part of the browser's EventSource this module uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface BackoffOptions {
  /** First delay, ms. */
  baseMs?: number;
  /** Longest delay, ms. */
  maxMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): base·2^attempt capped at max, then
 * scaled by a random factor in [0.5, 1] so many tabs do not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Adds `lastEventId` and `access_token` to a stream path. */
export function buildStreamUrl(path: string, options: { lastEventId?: number | null; token?: string | null } = {}): string {
  const [base, existing = ''] = path.split('?', 2) as [string, string?];
  const params = new URLSearchParams(existing);
  if (options.lastEventId != null) params.set('lastEventId', String(options.lastEventId));
  if (options.token) params.set('access_token', options.token);
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export interface ResumableStreamOptions {
  /** Stream path, e.g. `/api/events`. */
  path: string;
  /** Named events to listen for (the stream's `event:` field). */
  events: readonly string[];
  onEvent: (name: string, data: unknown, id: number | null) => void;
  onStateChange?: (state: StreamState) => void;
  /** Resume after this id on the first connection too. */
  initialLastEventId?: number | null;
  /**
   * Adopt the id in the `ready` event as the resume point when none was seen yet. Right for
   * live-only streams (resume exactly where this client joined); wrong for streams that replay
   * history after `ready`, where an early drop would skip that history.
   */
  adoptReadyId?: boolean;
  getToken?: () => string | null;
  backoff?: BackoffOptions;
  createEventSource?: EventSourceFactory;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

export class ResumableStream {
  private source: EventSourceLike | null = null;
  private timer: unknown = null;
  private attempt = 0;
  private stopped = false;
  private _state: StreamState = 'closed';
  private _lastEventId: number | null;
  private readonly opts: ResumableStreamOptions;

  constructor(options: ResumableStreamOptions) {
    this.opts = options;
    this._lastEventId = options.initialLastEventId ?? null;
  }

  get state(): StreamState {
    return this._state;
  }
  /** The id of the last event received (what a reconnect resumes after). */
  get lastEventId(): number | null {
    return this._lastEventId;
  }
  /** How many reconnects have failed in a row. */
  get failures(): number {
    return this.attempt;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection for good. */
  close(): void {
    this.stopped = true;
    this.clearPending();
    this.source?.close();
    this.source = null;
    this.setState('closed');
  }

  /** Drops the current connection and reconnects now (e.g. after the token changed). */
  restart(): void {
    this.clearPending();
    this.source?.close();
    this.source = null;
    this.attempt = 0;
    this.stopped = false;
    this.connect();
  }

  private setState(state: StreamState) {
    if (state === this._state) return;
    this._state = state;
    this.opts.onStateChange?.(state);
  }

  private clearPending() {
    if (this.timer !== null) (this.opts.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
  }

  private connect() {
    const create = this.opts.createEventSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
    const url = buildStreamUrl(this.opts.path, { lastEventId: this._lastEventId, token: this.opts.getToken?.() ?? null });
    this.setState(this.attempt === 0 && this._state !== 'reconnecting' ? 'connecting' : 'reconnecting');
    const source = create(url);
    this.source = source;

    source.onopen = () => {
      if (this.source !== source) return;
      this.attempt = 0;
      this.setState('open');
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // Take over from the browser's own retry so that the delay backs off and the URL carries
      // the resume point.
      source.close();
      this.source = null;
      if (this.stopped) return;
      this.setState('reconnecting');
      const delay = backoffDelay(this.attempt, this.opts.backoff, this.opts.random);
      this.attempt += 1;
      this.timer = (this.opts.setTimer ?? setTimeout)(() => {
        this.timer = null;
        if (!this.stopped) this.connect();
      }, delay);
    };

    source.addEventListener('ready', (event) => {
      if (this.source !== source) return;
      this.attempt = 0;
      this.setState('open');
      if (this.opts.adoptReadyId && this._lastEventId === null) {
        const id = Number((parseJson(event.data) as { lastEventId?: unknown } | null)?.lastEventId);
        if (Number.isFinite(id)) this._lastEventId = id;
      }
      this.opts.onEvent('ready', parseJson(event.data), null);
    });

    for (const name of this.opts.events) {
      if (name === 'ready') continue;
      source.addEventListener(name, (event) => {
        if (this.source !== source) return;
        const id = event.lastEventId ? Number(event.lastEventId) : null;
        if (id !== null && Number.isFinite(id)) {
          // Events at or before the resume point are replays we already have.
          if (this._lastEventId !== null && id <= this._lastEventId) return;
          this._lastEventId = id;
        }
        this.opts.onEvent(name, parseJson(event.data), id);
      });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
