/**
 * Measures this machine's training speed per model shape and settings, one measurement at a
 * time, each in its own process (worker/calibration-worker.ts), and remembers the result in the store
 * so a shape is measured once. Asking is cheap and never waits: the answer is the stored
 * measurement, or "measuring" with how far it got (ask again), or "unavailable" with why.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../store/database.js';
import { getCalibration, putCalibration, type StoredCalibration } from '../store/estimates-repo.js';
import { calibrationKey, type CalibrationShape } from './calibration-key.js';
import { calibrationMessageSchema, type CalibrateCommand } from './calibration-protocol.js';
import { explainWorkerExit } from './failure.js';

export type CalibrationState =
  { state: 'measured'; stored: StoredCalibration } | { state: 'measuring'; message: string; fraction: number } | { state: 'unavailable'; reason: string };

export interface TrainingCalibratorOptions {
  db: Db;
  logger: FastifyBaseLogger;
  /** Whether a fine-tune runs now: a measurement taken then is slower than the machine is. */
  trainingRunning: () => boolean;
  workerPath?: string;
  /** A measurement still running after this long is stopped (default 10 minutes). */
  timeoutMs?: number;
  /** Measurements older than this are taken again (default 30 days: the engine gets faster). */
  maxAgeMs?: number;
  /** After a failed measurement, how long the same shape is not tried again (default 10 minutes). */
  retryAfterMs?: number;
  /** A measurement taken on a busy machine is taken again once none runs and it is this old (default 2 minutes). */
  remeasureBusyAfterMs?: number;
}

/**
 * Other processes' share of the CPU above which a measurement counts as taken on a busy
 * machine: ONNX Runtime then runs several times slower than on a quiet one.
 */
export const BUSY_CPU_SHARE = 0.25;

interface Request {
  key: string;
  shape: CalibrationShape;
  input: CalibrateCommand['input'];
}

interface Running {
  request: Request;
  child: ChildProcess;
  progress: { message: string; fraction: number };
  forkedAt: number;
  startupSeconds: number | null;
  contended: boolean;
  output: string[];
  settled: boolean;
  timer: NodeJS.Timeout;
}

const defaultWorker = fileURLToPath(new URL('./worker/calibration-worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export class TrainingCalibrator {
  private running: Running | null = null;
  /** The newest request waiting for the running one: the review asks only for its current settings, so older ones are dropped. */
  private pending: Request | null = null;
  private readonly failures = new Map<string, { reason: string; at: number }>();
  private stopped = false;

  constructor(private readonly options: TrainingCalibratorOptions) {}

  /** Where the measurement of `shape` stands; starts it when there is none (or it is stale). */
  request(shape: CalibrationShape, input: CalibrateCommand['input']): CalibrationState {
    const key = calibrationKey(shape);
    const stored = getCalibration(this.options.db, key);
    const age = stored ? Date.now() - Date.parse(stored.measuredAt) : 0;
    const stale =
      stored &&
      (age > (this.options.maxAgeMs ?? 30 * 86_400_000) ||
        (stored.contended && !this.options.trainingRunning() && age >= (this.options.remeasureBusyAfterMs ?? 120_000)));
    if (stored) {
      // A stale measurement still beats none: answer with it and measure again in the background, when idle.
      if (stale && !this.running && !this.stopped && !this.recentFailure(key)) this.start({ key, shape, input });
      return { state: 'measured', stored };
    }
    if (this.running?.request.key === key) return { state: 'measuring', ...this.running.progress };
    const failure = this.recentFailure(key);
    if (failure) return { state: 'unavailable', reason: failure };
    if (this.stopped) return { state: 'unavailable', reason: 'The server is stopping.' };
    if (this.running) {
      this.pending = { key, shape, input };
      return { state: 'measuring', message: 'Waiting for another measurement to finish…', fraction: 0 };
    }
    this.start({ key, shape, input });
    return { state: 'measuring', ...this.running!.progress };
  }

  /** Stop the running measurement (server shutdown); nothing further starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = null;
    const running = this.running;
    if (!running) return;
    const closed = new Promise<void>((resolve) =>
      running.child.exitCode !== null || running.child.signalCode !== null ? resolve() : running.child.once('close', () => resolve()),
    );
    running.child.kill('SIGKILL');
    await closed;
  }

  private recentFailure(key: string): string | null {
    const failure = this.failures.get(key);
    if (!failure) return null;
    if (Date.now() - failure.at > (this.options.retryAfterMs ?? 10 * 60_000)) {
      this.failures.delete(key);
      return null;
    }
    return failure.reason;
  }

  private start(request: Request): void {
    const child = fork(this.options.workerPath ?? defaultWorker, [], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true, // its own process group, like job workers: Ctrl+C reaches the server, which stops it
    });
    const running: Running = {
      request,
      child,
      progress: { message: 'Starting…', fraction: 0 },
      forkedAt: performance.now(),
      startupSeconds: null,
      contended: this.options.trainingRunning(),
      output: [],
      settled: false,
      timer: setTimeout(
        () => {
          this.fail(running, 'It took too long and was stopped.');
          child.kill('SIGKILL');
        },
        this.options.timeoutMs ?? 10 * 60_000,
      ),
    };
    this.running = running;
    this.options.logger.info({ pid: child.pid, shape: request.shape }, 'measuring training speed');
    const keep = (line: string) => {
      if (!line.trim()) return;
      running.output.push(line);
      if (running.output.length > 5) running.output.shift();
    };
    if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', keep);
    if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', keep);
    child.on('message', (raw) => this.onMessage(running, raw));
    child.on('error', (error) => this.fail(running, `The measuring process could not run: ${error.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(running.timer);
      if (!running.settled)
        this.fail(running, explainWorkerExit(code, signal, running.output.join('\n')).message.replace("The job's worker process", 'The measuring process'));
      if (this.running === running) this.running = null;
      const next = this.pending;
      this.pending = null;
      if (next && !this.stopped) this.start(next);
    });
  }

  private onMessage(running: Running, raw: unknown): void {
    const parsed = calibrationMessageSchema.safeParse(raw);
    if (!parsed.success) return this.options.logger.warn({ issues: parsed.error.issues }, 'ignored a malformed calibration message');
    const message = parsed.data;
    if (message.type === 'ready') {
      running.startupSeconds = (performance.now() - running.forkedAt) / 1000;
      running.child.send({ type: 'calibrate', input: running.request.input } satisfies CalibrateCommand);
    } else if (message.type === 'progress') {
      running.progress = { message: message.message, fraction: message.fraction };
    } else if (message.type === 'failed') {
      this.fail(running, message.message);
    } else if (!running.settled) {
      running.settled = true;
      // A fine-tune that started meanwhile, or other programs, slowed it down too.
      const contended = running.contended || this.options.trainingRunning() || message.calibration.otherCpuShare > BUSY_CPU_SHARE;
      putCalibration(this.options.db, {
        key: running.request.key,
        shape: running.request.shape,
        calibration: message.calibration,
        contended,
        startupSeconds: running.startupSeconds ?? 0,
      });
      this.options.logger.info({ key: running.request.key, contended }, 'measured training speed');
    }
  }

  private fail(running: Running, reason: string): void {
    if (running.settled) return;
    running.settled = true;
    this.failures.set(running.request.key, { reason, at: Date.now() });
    this.options.logger.warn({ key: running.request.key, reason }, 'could not measure training speed');
  }
}
