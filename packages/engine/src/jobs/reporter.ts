/**
 * How an engine job tells the outside world what it is doing. The engine knows nothing of
 * processes or HTTP: the server's worker adapts these calls to IPC events (contracts'
 * `WorkerEvent`), and tests collect them in arrays.
 */
import type { JobMetricName, LogLevel } from '@qlora-studio/contracts';

/** A progress update: `step` of `total` done, with an estimate of the seconds left when known. */
export interface JobProgress {
  step: number;
  total: number;
  etaSeconds: number | null;
  message?: string;
}

/** The sink for a running job's progress, metrics, log lines and produced files. */
export interface JobReporter {
  progress(p: JobProgress): void;
  /** `name` from contracts' catalogue (`trainingMetrics`, `systemCheckMetricNames`), so a misspelt one does not compile. */
  metric(name: JobMetricName, value: number, step: number): void;
  log(level: LogLevel, message: string): void;
  artifact(kind: string, path: string, label?: string): void;
}

/** The context every engine job receives. */
export interface JobContext {
  /** The workspace folder (QLORA_STUDIO_HOME) the job reads and writes under. */
  workspace: string;
  /** Aborted when the user cancels the job. */
  signal: AbortSignal;
  report: JobReporter;
}

/** Throws an Error named 'AbortError' if `signal` is aborted; call it between units of work. */
export function throwIfAborted(signal: AbortSignal, what = 'Job'): void {
  if (!signal.aborted) return;
  const error = new Error(`${what} was canceled.`);
  error.name = 'AbortError';
  throw error;
}
