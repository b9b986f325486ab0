import { fillPath, isTerminal, jobEventSchema, streams, type JobEvent } from '@qlora-studio/contracts';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { StreamState } from '../sse';
import { useEventStream } from '../use-event-stream';
import { applyJobEvents, initialJobStreamState, type JobStreamState } from './job-stream';

const jobEventNames = ['job'] as const;

/**
 * Follows one job's stream: its stored history first, then live events. Events are applied in
 * batches once per animation frame, so a chatty job does not re-render per log line. The stream
 * closes shortly after the job reaches a final state, and stays closed while `enabled` is false
 * (e.g. the job does not exist).
 */
export function useJobStream(jobId: string, enabled = true): { state: JobStreamState; connection: StreamState } {
  const [state, dispatch] = useReducer(applyJobEvents, initialJobStreamState);
  const [finished, setFinished] = useState(false);
  const buffer = useRef<JobEvent[]>([]);
  const frame = useRef<number | null>(null);

  const flush = useCallback(() => {
    frame.current = null;
    const batch = buffer.current;
    buffer.current = [];
    if (batch.length) dispatch(batch);
  }, []);

  const onEvent = useCallback(
    (name: string, data: unknown) => {
      if (name !== 'job') return;
      const parsed = jobEventSchema.safeParse(data);
      if (!parsed.success || parsed.data.jobId !== jobId) return;
      buffer.current.push(parsed.data);
      frame.current ??= requestAnimationFrame(flush);
    },
    [jobId, flush],
  );

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // Once the job has finished, give trailing events a moment, then let the connection go.
  const terminal = state.status !== null && isTerminal(state.status);
  useEffect(() => {
    if (!terminal) return;
    const timer = setTimeout(() => setFinished(true), 2000);
    return () => clearTimeout(timer);
  }, [terminal]);

  const connection = useEventStream({
    path: finished || !enabled ? null : fillPath(streams.jobEvents.path, { id: jobId }),
    events: jobEventNames,
    onEvent,
  });
  return { state, connection };
}
