import { paneOutputSchema, playgroundRunSchema, playgroundStreamEvents, tokenEventSchema, type PaneOutput, type PlaygroundRun } from '@qlora-studio/contracts';

/** A run as the page follows it over its stream. */
export interface RunStreamState {
  run: PlaygroundRun | null;
  /** `end` arrived: every pane has finished and the stream can close. */
  ended: boolean;
  /** A token arrived past the end of its pane's text: some text was missed, re-fetch the run. */
  gap: boolean;
}

export const initialRunStreamState: RunStreamState = { run: null, ended: false, gap: false };

/** One parsed stream event (or a run fetched over REST, applied like a snapshot). */
export type RunStreamEvent =
  | { type: 'snapshot'; run: PlaygroundRun }
  | { type: 'token'; pane: number; offset: number; text: string }
  | { type: 'pane'; pane: PaneOutput }
  | { type: 'end'; run: PlaygroundRun };

/** Validates a raw SSE event into a RunStreamEvent; null for anything malformed or unknown. */
export function parseRunStreamEvent(name: string, data: unknown): RunStreamEvent | null {
  switch (name) {
    case playgroundStreamEvents.snapshot:
    case playgroundStreamEvents.end: {
      const run = playgroundRunSchema.safeParse(data);
      return run.success ? { type: name, run: run.data } : null;
    }
    case playgroundStreamEvents.token: {
      const token = tokenEventSchema.safeParse(data);
      return token.success ? { type: 'token', ...token.data } : null;
    }
    case playgroundStreamEvents.pane: {
      const pane = paneOutputSchema.safeParse(data);
      return pane.success ? { type: 'pane', pane: pane.data } : null;
    }
    default:
      return null;
  }
}

function replacePane(run: PlaygroundRun, index: number, update: (pane: PaneOutput) => PaneOutput): PlaygroundRun {
  return { ...run, panes: run.panes.map((p) => (p.index === index ? update(p) : p)) };
}

/**
 * Applies one event to the run. Tokens append when their offset is the pane's current length;
 * text we already have is skipped (a late or repeated delta), and an offset past the end marks
 * a gap, which only a fresh snapshot clears. A pane event replaces the pane; while the pane is
 * still generating it never shortens text the tokens already delivered (a status change can
 * overtake tokens), but once it has finished the server's text is final and taken as it is.
 */
export function applyRunStreamEvent(state: RunStreamState, event: RunStreamEvent): RunStreamState {
  switch (event.type) {
    case 'snapshot':
      // A snapshot of another run (a stale connection) must not replace the one we follow.
      if (state.run && state.run.id !== event.run.id) return state;
      // A snapshot in which every pane has finished is as final as `end`.
      return { run: event.run, ended: state.ended || !isRunActive(event.run), gap: false };
    case 'end':
      if (state.run && state.run.id !== event.run.id) return state;
      return { run: event.run, ended: true, gap: false };
    case 'token': {
      const { run } = state;
      const pane = run?.panes.find((p) => p.index === event.pane);
      if (!run || !pane || state.gap) return state;
      const length = pane.text.length;
      if (event.offset > length) return { ...state, gap: true };
      const fresh = event.text.slice(length - event.offset);
      if (!fresh) return state;
      return { ...state, run: replacePane(run, event.pane, (p) => ({ ...p, text: p.text + fresh })) };
    }
    case 'pane': {
      const { run } = state;
      if (!run || !run.panes.some((p) => p.index === event.pane.index)) return state;
      const final = !isPaneActive(event.pane);
      return {
        ...state,
        run: replacePane(run, event.pane.index, (p) => (final || event.pane.text.length >= p.text.length ? event.pane : { ...event.pane, text: p.text })),
      };
    }
  }
}

/** Applies a batch of events in order (the page batches them once per animation frame). */
export function applyRunStreamEvents(state: RunStreamState, events: readonly RunStreamEvent[] | RunStreamEvent): RunStreamState {
  const list = Array.isArray(events) ? events : [events as RunStreamEvent];
  return list.reduce(applyRunStreamEvent, state);
}

/** Whether the pane is still waiting or generating. */
export function isPaneActive(pane: PaneOutput): boolean {
  return pane.status === 'queued' || pane.status === 'running';
}

/** Whether any pane is still waiting or generating. */
export function isRunActive(run: PlaygroundRun | null): boolean {
  return !!run && run.panes.some(isPaneActive);
}
