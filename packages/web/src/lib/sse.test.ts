import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, buildStreamUrl, ResumableStream, type EventSourceLike, type StreamState } from './sse';

/** A scriptable stand-in for EventSource. */
class FakeSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: unknown, id?: number) {
    const event = { data: JSON.stringify(data), lastEventId: id === undefined ? '' : String(id) } as MessageEvent<string>;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function harness(options: { adoptReadyId?: boolean; initialLastEventId?: number; token?: string } = {}) {
  const sources: FakeSource[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const events: { name: string; data: unknown; id: number | null }[] = [];
  const states: StreamState[] = [];
  const stream = new ResumableStream({
    path: '/api/events',
    events: ['job'],
    onEvent: (name, data, id) => events.push({ name, data, id }),
    onStateChange: (s) => states.push(s),
    adoptReadyId: options.adoptReadyId,
    initialLastEventId: options.initialLastEventId,
    getToken: () => options.token ?? null,
    createEventSource: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 1,
  });
  const last = () => sources[sources.length - 1]!;
  const fireTimer = () => timers.shift()!.fn();
  return { stream, sources, timers, events, states, last, fireTimer };
}

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const full = () => 1;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { baseMs: 1000, maxMs: 5000 }, full))).toEqual([1000, 2000, 4000, 5000]);
  });
  it('jitters down to half the delay at most', () => {
    expect(backoffDelay(2, { baseMs: 1000 }, () => 0)).toBe(2000);
  });
});

describe('buildStreamUrl', () => {
  it('adds the resume point and the token', () => {
    expect(buildStreamUrl('/api/jobs/a/stream', { lastEventId: 7, token: 't k' })).toBe('/api/jobs/a/stream?lastEventId=7&access_token=t+k');
    expect(buildStreamUrl('/api/events')).toBe('/api/events');
  });
});

describe('ResumableStream', () => {
  it('reports connecting, then open', () => {
    const h = harness();
    h.stream.start();
    expect(h.last().url).toBe('/api/events');
    h.last().open();
    expect(h.states).toEqual(['connecting', 'open']);
  });

  it('delivers parsed events with their ids and tracks the last id', () => {
    const h = harness();
    h.stream.start();
    h.last().emit('job', { kind: 'log', id: 3 }, 3);
    expect(h.events).toEqual([{ name: 'job', data: { kind: 'log', id: 3 }, id: 3 }]);
    expect(h.stream.lastEventId).toBe(3);
  });

  it('reconnects after an error with backoff, resuming after the last id it saw', () => {
    const h = harness();
    h.stream.start();
    h.last().open();
    h.last().emit('job', {}, 41);
    h.last().emit('job', {}, 42);
    const first = h.last();
    first.fail();
    expect(first.closed).toBe(true);
    expect(h.states.at(-1)).toBe('reconnecting');
    expect(h.timers[0]!.ms).toBe(1000);
    h.fireTimer();
    expect(h.last().url).toBe('/api/events?lastEventId=42');
  });

  it('backs off further on repeated failures and resets after a success', () => {
    const h = harness();
    h.stream.start();
    h.last().fail();
    h.fireTimer();
    h.last().fail();
    h.fireTimer();
    h.last().fail();
    expect(h.timers.map((t) => t.ms)).toEqual([4000]);
    expect(h.stream.failures).toBe(3);
    h.fireTimer();
    h.last().open();
    expect(h.stream.failures).toBe(0);
    h.last().fail();
    expect(h.timers.at(-1)!.ms).toBe(1000);
  });

  it('drops replayed events it already has', () => {
    const h = harness({ initialLastEventId: 10 });
    h.stream.start();
    expect(h.last().url).toBe('/api/events?lastEventId=10');
    h.last().emit('job', { a: 1 }, 9);
    h.last().emit('job', { a: 2 }, 10);
    h.last().emit('job', { a: 3 }, 11);
    expect(h.events.map((e) => e.id)).toEqual([11]);
  });

  it('adopts the ready id as the resume point for live-only streams', () => {
    const h = harness({ adoptReadyId: true });
    h.stream.start();
    h.last().emit('ready', { lastEventId: 99 });
    h.last().fail();
    h.fireTimer();
    expect(h.last().url).toBe('/api/events?lastEventId=99');
  });

  it('does not adopt the ready id for streams that replay history', () => {
    const h = harness();
    h.stream.start();
    h.last().emit('ready', { lastEventId: 99 });
    h.last().fail();
    h.fireTimer();
    expect(h.last().url).toBe('/api/events');
  });

  it('passes the access token', () => {
    const h = harness({ token: 'abc' });
    h.stream.start();
    expect(h.last().url).toBe('/api/events?access_token=abc');
  });

  it('stops for good on close, even with a reconnect pending', () => {
    const h = harness();
    h.stream.start();
    h.last().fail();
    h.stream.close();
    h.fireTimer();
    expect(h.sources).toHaveLength(1);
    expect(h.states.at(-1)).toBe('closed');
  });

  it('ignores events from a connection it already replaced', () => {
    const h = harness();
    h.stream.start();
    const old = h.last();
    h.stream.restart();
    old.emit('job', {}, 5);
    expect(h.events).toHaveLength(0);
    expect(old.closed).toBe(true);
  });

  it('stays quiet on an error after close', () => {
    const h = harness();
    const onState = vi.fn();
    h.stream.start();
    const source = h.last();
    h.stream.close();
    source.onerror?.(new Event('error'));
    expect(h.timers).toHaveLength(0);
    expect(onState).not.toHaveBeenCalled();
  });
});
