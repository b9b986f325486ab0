import type { JobError, JobEvent, JobProgress, JobStatus, LogLevel } from '@qlora-studio/contracts';
import type { ProgressSample } from './eta';

/** What the detail page knows about a job from its event stream. */
export interface LogLine {
  id: number;
  at: string;
  level: LogLevel;
  message: string;
}
export interface MetricPoint {
  step: number;
  value: number;
  at: string;
}
export interface Artifact {
  id: number;
  artifactKind: string;
  path: string;
  label?: string;
}
export interface JobStreamState {
  /** Highest event id applied; older or repeated events are ignored. */
  lastId: number;
  status: JobStatus | null;
  statusAt: string | null;
  error: JobError | null;
  progress: JobProgress | null;
  /** Step and time of each progress report (bounded), for a smoothed time left. */
  progressSamples: ProgressSample[];
  logs: LogLine[];
  /** Log lines dropped from the front to keep memory bounded. */
  droppedLogs: number;
  metrics: Record<string, MetricPoint[]>;
  artifacts: Artifact[];
  result: { data: unknown } | null;
}

export const initialJobStreamState: JobStreamState = {
  lastId: 0,
  status: null,
  statusAt: null,
  error: null,
  progress: null,
  progressSamples: [],
  logs: [],
  droppedLogs: 0,
  metrics: {},
  artifacts: [],
  result: null,
};

export const streamLimits = { logs: 100_000, metricPoints: 5000, progressSamples: 500 };

function capped<T>(items: T[], limit: number): [T[], number] {
  return items.length > limit ? [items.slice(items.length - limit), items.length - limit] : [items, 0];
}

/** Applies a batch of events in order. Pure: returns a new state, or the same one if nothing changed. */
export function applyJobEvents(state: JobStreamState, events: readonly JobEvent[]): JobStreamState {
  const fresh = events.filter((e) => e.id > state.lastId).sort((a, b) => a.id - b.id);
  if (!fresh.length) return state;
  let next: JobStreamState = { ...state };
  const newLogs: LogLine[] = [];
  for (const event of fresh) {
    next.lastId = event.id;
    switch (event.kind) {
      case 'status':
        next.status = event.status;
        next.statusAt = event.at;
        next.error = event.error;
        break;
      case 'progress':
        next.progress = { step: event.step, total: event.total, etaSeconds: event.etaSeconds, message: event.message };
        next.progressSamples = capped([...next.progressSamples, { step: event.step, t: Date.parse(event.at) }], streamLimits.progressSamples)[0];
        break;
      case 'log':
        newLogs.push({ id: event.id, at: event.at, level: event.level, message: event.message });
        break;
      case 'metric': {
        const series = next.metrics[event.name] ?? [];
        const [points] = capped([...series, { step: event.step, value: event.value, at: event.at }], streamLimits.metricPoints);
        next.metrics = { ...next.metrics, [event.name]: points };
        break;
      }
      case 'artifact':
        next.artifacts = [...next.artifacts, { id: event.id, artifactKind: event.artifactKind, path: event.path, label: event.label }];
        break;
      case 'result':
        next.result = { data: event.data };
        break;
    }
  }
  if (newLogs.length) {
    const [logs, dropped] = capped([...state.logs, ...newLogs], streamLimits.logs);
    next = { ...next, logs, droppedLogs: state.droppedLogs + dropped };
  }
  return next;
}
