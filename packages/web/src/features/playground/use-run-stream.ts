import { fillPath, playgroundStreamEvents, streams, type PlaygroundRun } from '@qlora-studio/contracts';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { flushSync } from 'react-dom';
import type { StreamState } from '../../lib/sse';
import { useEventStream } from '../../lib/use-event-stream';
import { getRun } from './api/get-run';
import { applyRunStreamEvents, initialRunStreamState, isRunActive, parseRunStreamEvent, type RunStreamEvent, type RunStreamState } from './run-stream';

const eventNames = Object.values(playgroundStreamEvents);

type Action = { reset: PlaygroundRun | null } | readonly RunStreamEvent[];

function reducer(state: RunStreamState, action: Action): RunStreamState {
  if ('reset' in action) return { run: action.reset, ended: action.reset ? !isRunActive(action.reset) : false, gap: false };
  return applyRunStreamEvents(state, action);
}

/** An event after which the stream has nothing more to say: `end`, or a snapshot of a finished run. */
function isFinal(event: RunStreamEvent): boolean {
  return event.type === 'end' || (event.type === 'snapshot' && !isRunActive(event.run));
}

/**
 * Follows one run: starts from `initial` (the reply to create, or a run reopened from history),
 * then applies its stream. Deltas are batched once per animation frame so tokens do not
 * re-render one by one (with a timer instead in a hidden tab, where frames do not run). The
 * final event is applied at once, and the stream closed then: the server closes its end after
 * `end`, and a stream still open would take that for an error and reconnect, again and again.
 * A gap in a pane's text re-fetches the run; a finished run never opens a stream.
 */
export function useRunStream(initial: PlaygroundRun | null): { run: PlaygroundRun | null; connection: StreamState; ended: boolean } {
  const [state, dispatch] = useReducer(reducer, initialRunStreamState);
  const buffer = useRef<RunStreamEvent[]>([]);
  /** Cancels the scheduled flush, if one is. */
  const cancelFlush = useRef<(() => void) | null>(null);
  const runId = initial?.id ?? null;

  useEffect(() => {
    buffer.current = [];
    dispatch({ reset: initial });
    // Only a new run resets; later renders pass the same run object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId]);

  const flush = useCallback(() => {
    cancelFlush.current?.();
    cancelFlush.current = null;
    const batch = buffer.current;
    buffer.current = [];
    if (batch.length) dispatch(batch);
  }, []);

  const onEvent = useCallback(
    (name: string, data: unknown) => {
      const event = parseRunStreamEvent(name, data);
      if (!event) return;
      buffer.current.push(event);
      if (isFinal(event)) {
        // Rendered now, effects included, so the stream's path clears and it closes before the
        // server's close can read as an error.
        flushSync(flush);
        return;
      }
      if (cancelFlush.current) return;
      if (document.hidden) {
        const timer = setTimeout(flush, 250);
        cancelFlush.current = () => clearTimeout(timer);
      } else {
        const frame = requestAnimationFrame(flush);
        cancelFlush.current = () => cancelAnimationFrame(frame);
      }
    },
    [flush],
  );

  useEffect(() => () => cancelFlush.current?.(), []);

  // Text went missing between deltas: take the whole run again.
  useEffect(() => {
    if (!state.gap || !runId) return;
    const controller = new AbortController();
    getRun(runId, controller.signal).then(
      (run) => dispatch([{ type: 'snapshot', run }]),
      () => {},
    );
    return () => controller.abort();
  }, [state.gap, runId]);

  const following = !!runId && state.run?.id === runId && !state.ended;
  const connection = useEventStream({ path: following ? fillPath(streams.playgroundRun.path, { id: runId }) : null, events: eventNames, onEvent });
  return { run: state.run?.id === runId ? state.run : initial, connection, ended: state.ended };
}
