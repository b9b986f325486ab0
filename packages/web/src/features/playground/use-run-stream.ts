import { fillPath, playgroundStreamEvents, streams, type PlaygroundRun } from '@qlora-studio/contracts';
import { useCallback, useEffect, useReducer, useRef } from 'react';
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

/**
 * Follows one run: starts from `initial` (the reply to create, or a run reopened from history),
 * then applies its stream, batched once per animation frame so tokens do not re-render one by
 * one. A gap in a pane's text re-fetches the run; the stream closes after `end`, and is never
 * opened for a run that has already finished.
 */
export function useRunStream(initial: PlaygroundRun | null): { run: PlaygroundRun | null; connection: StreamState; ended: boolean } {
  const [state, dispatch] = useReducer(reducer, initialRunStreamState);
  const buffer = useRef<RunStreamEvent[]>([]);
  const frame = useRef<number | null>(null);
  const runId = initial?.id ?? null;

  useEffect(() => {
    buffer.current = [];
    dispatch({ reset: initial });
    // Only a new run resets; later renders pass the same run object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId]);

  const flush = useCallback(() => {
    frame.current = null;
    const batch = buffer.current;
    buffer.current = [];
    if (batch.length) dispatch(batch);
  }, []);

  const onEvent = useCallback(
    (name: string, data: unknown) => {
      const event = parseRunStreamEvent(name, data);
      if (!event) return;
      buffer.current.push(event);
      frame.current ??= requestAnimationFrame(flush);
    },
    [flush],
  );

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

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
