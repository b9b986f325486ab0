import { useEffect, useRef, useState } from 'react';
import { getToken, useToken } from './auth-token';
import { ResumableStream, type StreamState } from './sse';

export interface UseEventStreamOptions {
  /** Stream path; null pauses the stream. */
  path: string | null;
  events: readonly string[];
  onEvent: (name: string, data: unknown, id: number | null) => void;
  adoptReadyId?: boolean;
}

/**
 * Subscribes to a server-sent-events stream for as long as the component is mounted,
 * reconnecting with backoff and resuming after the last event id it saw. Returns the
 * connection state. A new access token reconnects at once.
 */
export function useEventStream({ path, events, onEvent, adoptReadyId }: UseEventStreamOptions): StreamState {
  const [state, setState] = useState<StreamState>(path ? 'connecting' : 'closed');
  const onEventRef = useRef(onEvent);
  const token = useToken();
  const eventsKey = events.join(',');

  useEffect(() => {
    onEventRef.current = onEvent;
  });

  useEffect(() => {
    if (!path) {
      setState('closed');
      return;
    }
    const stream = new ResumableStream({
      path,
      events: eventsKey.split(','),
      adoptReadyId,
      getToken,
      onEvent: (name, data, id) => onEventRef.current(name, data, id),
      onStateChange: setState,
    });
    stream.start();
    return () => stream.close();
  }, [path, eventsKey, adoptReadyId, token]);

  return state;
}
