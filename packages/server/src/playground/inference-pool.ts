import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { explainWorkerExit } from '../jobs/failure.js';
import {
  inferenceMessageSchema,
  loadedModelKey,
  modelsPerWorker,
  type GenerateTask,
  type InferenceCommand,
  type InferenceMessage,
} from './inference-protocol.js';

/** What a task hears from its worker; `failed` also comes from the pool when the worker dies. */
export type TaskEvent = InferenceMessage extends infer M ? (M extends { taskId: string } ? Omit<M, 'taskId'> : never) : never;

interface Task {
  task: GenerateTask;
  /** Who asked: waiting tasks are started fairly between owners. */
  owner: string;
  onEvent: (event: TaskEvent) => void;
}

interface Worker {
  child: ChildProcess;
  busy: Task | null;
  /** When its busy task started, as a count of tasks started: the lower, the longer it has been generating. */
  busySince: number;
  /**
   * Models this worker holds (`quant|dir`), least recently used first, kept as the worker keeps
   * them: a request goes where its model already is.
   */
  models: string[];
  /** Told to exit: it takes no more work. */
  exiting: boolean;
  idleTimer: NodeJS.Timeout | null;
  /** Runs out when the busy task has been silent too long. */
  silenceTimer: NodeJS.Timeout | null;
  /** Why this worker was stopped, if the pool stopped it while busy. */
  stoppedBecause: { message: string; hint: string | null } | null;
  lastOutput: string[];
}

export interface InferencePoolOptions {
  logger: FastifyBaseLogger;
  /** How many replies may be generated at once (one worker each); read at every decision. */
  size: () => number;
  /** A worker with nothing to do exits after this long, giving its memory back. */
  idleMs?: number;
  workerPath?: string;
  /** Called when waiting tasks moved up or started, so their positions can be shown again. */
  onQueueChange?: () => void;
  /**
   * A worker that says nothing about its task for this long (no token, no progress) is taken
   * for hung: it is stopped and the task fails. Default 10 minutes, long enough for a big
   * model's load or a long prompt's pass on a slow CPU.
   */
  silenceMs?: number;
}

const defaultWorker = fileURLToPath(new URL('./inference-worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
/**
 * Inference runs below normal priority: a fine-tune running at the same time keeps the CPU it
 * needs, and the Playground uses what is left (all of it when nothing else runs).
 */
const workerNiceness = 10;

function modelKey(task: GenerateTask): string {
  return loadedModelKey(task);
}

/**
 * Runs generation requests in worker processes, at most `size()` at a time, callers taking
 * turns. Workers start on demand, keep their models loaded, and exit when idle.
 */
export class InferencePool {
  private readonly queue: Task[] = [];
  private readonly workers: Worker[] = [];
  private stopped = false;
  /** Whose task started last: waiting owners take turns. */
  private lastOwner: string | null = null;
  /** Tasks started so far. */
  private started = 0;

  constructor(private readonly options: InferencePoolOptions) {}

  submit(task: GenerateTask, owner: string, onEvent: (event: TaskEvent) => void): void {
    if (this.stopped) {
      onEvent({ type: 'failed', error: { message: 'The server is stopping.', hint: 'Start it again and rerun the prompt.' } });
      return;
    }
    this.queue.push({ task, owner, onEvent });
    this.pump();
  }

  /**
   * How many replies are ahead of this one (generating, or waiting to start before it in the
   * order the pool takes them), or null when it is not waiting.
   */
  position(taskId: string): number | null {
    const index = this.startOrder().findIndex((entry) => entry.task.taskId === taskId);
    return index < 0 ? null : index + this.busyCount;
  }

  /** Stop a task: a waiting one is dropped (returns true), a running one ends soon with finish reason "aborted". */
  abort(taskId: string): boolean {
    const index = this.queue.findIndex((entry) => entry.task.taskId === taskId);
    if (index >= 0) {
      this.queue.splice(index, 1);
      return true;
    }
    const worker = this.workers.find((w) => w.busy?.task.taskId === taskId);
    if (worker) this.send(worker, { type: 'abort', taskId });
    return false;
  }

  /**
   * Start a worker ahead of the first request (the Playground calls this when it opens), so
   * the first reply does not also wait for a process to start. It exits when left idle.
   */
  warm(): void {
    if (this.stopped || this.workers.some((w) => !w.exiting) || this.options.size() < 1) return;
    this.release(this.spawn());
  }

  /** The worker processes running now (for diagnostics and tests). */
  workerPids(): number[] {
    return this.workers.flatMap((w) => (w.exiting || w.child.pid === undefined ? [] : [w.child.pid]));
  }

  get busyCount(): number {
    return this.workers.filter((w) => w.busy).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const exits = this.workers.map(
      (w) => new Promise<void>((resolve) => (w.child.exitCode !== null || w.child.signalCode !== null ? resolve() : w.child.once('close', () => resolve()))),
    );
    for (const worker of this.workers) worker.child.kill('SIGKILL');
    await Promise.all(exits);
  }

  /** Start waiting tasks on free workers; call after the allowed number of streams changes. */
  pump(): void {
    let started = false;
    while (!this.stopped && this.queue.length > 0) {
      // Never more replies at once than allowed now (it drops to one while a fine-tune runs).
      const size = this.options.size();
      if (this.busyCount >= size) break;
      const live = this.workers.filter((w) => !w.exiting);
      const idle = live.filter((w) => !w.busy);
      const next = this.startOrder()[0]!;
      const key = modelKey(next.task);
      const worker = idle.find((w) => w.models.includes(key)) ?? idle[0] ?? (live.length < size ? this.spawn() : null);
      if (!worker) break;
      this.queue.splice(this.queue.indexOf(next), 1);
      this.dispatch(worker, next);
      started = true;
    }
    // Fewer streams allowed than workers running (a settings change): let idle ones go.
    const idle = this.workers.filter((w) => !w.busy && !w.exiting);
    for (const worker of idle.slice(Math.max(0, this.options.size() - this.busyCount))) this.retire(worker);
    if (started) this.options.onQueueChange?.();
  }

  /**
   * The waiting tasks in the order they will start, so no one waits behind another's whole
   * queue: each time, the owner with the fewest replies generating goes first, then anyone but
   * the owner started last (turns), then the oldest. Looking ahead, a task starts only once a
   * place is free: the reply generating longest is taken to end first.
   */
  private startOrder(): Task[] {
    const size = Math.max(1, this.options.size());
    const running = this.workers
      .filter((w) => w.busy)
      .sort((a, b) => a.busySince - b.busySince)
      .map((w) => w.busy!.owner);
    let lastOwner = this.lastOwner;
    const waiting = [...this.queue];
    const order: Task[] = [];
    while (waiting.length > 0) {
      while (running.length >= size) running.shift();
      const count = (owner: string) => running.filter((o) => o === owner).length;
      const rank = (entry: Task) => [count(entry.owner), entry.owner === lastOwner ? 1 : 0];
      let best = waiting[0]!;
      for (const entry of waiting) {
        const [a, b] = [rank(entry), rank(best)];
        if (a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)) best = entry;
      }
      order.push(best);
      waiting.splice(waiting.indexOf(best), 1);
      running.push(best.owner);
      lastOwner = best.owner;
    }
    return order;
  }

  private dispatch(worker: Worker, entry: Task): void {
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    worker.idleTimer = null;
    worker.busy = entry;
    worker.busySince = ++this.started;
    this.lastOwner = entry.owner;
    const key = modelKey(entry.task);
    worker.models = [...worker.models.filter((m) => m !== key), key].slice(-modelsPerWorker);
    this.send(worker, { type: 'generate', ...entry.task });
    this.listen(worker);
  }

  /** (Re)start the busy task's silence timer. */
  private listen(worker: Worker): void {
    if (worker.silenceTimer) clearTimeout(worker.silenceTimer);
    const silenceMs = this.options.silenceMs ?? 10 * 60_000;
    worker.silenceTimer = setTimeout(() => {
      this.options.logger.error({ pid: worker.child.pid, taskId: worker.busy?.task.taskId }, 'inference worker silent too long; stopping it');
      worker.stoppedBecause = {
        message: `The model gave no sign of progress for ${Math.round(silenceMs / 60_000)} minutes, so its worker was stopped.`,
        hint: 'Run the prompt again; if it happens again, try a smaller model or a shorter prompt, and check the server log.',
      };
      worker.exiting = true;
      worker.child.kill('SIGKILL');
    }, silenceMs);
    worker.silenceTimer.unref();
  }

  private retire(worker: Worker): void {
    worker.exiting = true;
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    worker.child.kill('SIGTERM');
  }

  private spawn(): Worker {
    const child = fork(this.options.workerPath ?? defaultWorker, [], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, workerNiceness);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not lower the priority of the inference worker');
    }
    const worker: Worker = {
      child,
      busy: null,
      busySince: 0,
      models: [],
      exiting: false,
      idleTimer: null,
      silenceTimer: null,
      stoppedBecause: null,
      lastOutput: [],
    };
    this.workers.push(worker);
    const keep = (line: string) => {
      if (!line.trim()) return;
      worker.lastOutput.push(line);
      if (worker.lastOutput.length > 5) worker.lastOutput.shift();
      this.options.logger.warn({ pid: child.pid }, `inference worker: ${line}`);
    };
    if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', keep);
    if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', keep);
    child.on('message', (raw) => this.onMessage(worker, raw));
    child.on('error', (error) => this.options.logger.error({ err: error }, 'inference worker process error'));
    child.on('close', (code, signal) => this.onExit(worker, code, signal));
    this.options.logger.info({ pid: child.pid }, 'inference worker started');
    return worker;
  }

  private onMessage(worker: Worker, raw: unknown): void {
    const parsed = inferenceMessageSchema.safeParse(raw);
    if (!parsed.success || worker.busy?.task.taskId !== parsed.data.taskId) {
      // A worker that talks nonsense cannot be trusted to finish its task: end both, or the
      // task would hold its place (and the whole queue, with one stream) forever.
      this.options.logger.error({ raw }, 'unexpected inference worker message; stopping the worker');
      worker.stoppedBecause = {
        message: 'The model worker sent a message the server could not understand, so it was stopped.',
        hint: 'Run the prompt again; if it happens again, check the server log.',
      };
      this.retire(worker);
      return;
    }
    const { taskId: _taskId, ...event } = parsed.data;
    const entry = worker.busy;
    this.listen(worker);
    if (event.type === 'done' || event.type === 'failed') this.release(worker);
    entry.onEvent(event as TaskEvent);
  }

  private release(worker: Worker): void {
    worker.busy = null;
    if (worker.silenceTimer) clearTimeout(worker.silenceTimer);
    worker.silenceTimer = null;
    worker.idleTimer = setTimeout(() => this.retire(worker), this.options.idleMs ?? 5 * 60_000);
    worker.idleTimer.unref();
    setImmediate(() => this.pump());
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    if (worker.silenceTimer) clearTimeout(worker.silenceTimer);
    this.workers.splice(this.workers.indexOf(worker), 1);
    const entry = worker.busy;
    worker.busy = null;
    if (entry) {
      const why = this.stopped
        ? { message: 'The server stopped while this reply was generated.', hint: 'Run the prompt again.' }
        : (worker.stoppedBecause ?? explainWorkerExit(code, signal, worker.lastOutput.join('\n')));
      entry.onEvent({ type: 'failed', error: why });
    }
    this.options.logger.info({ pid: worker.child.pid, code, signal }, 'inference worker ended');
    if (!this.stopped) setImmediate(() => this.pump());
  }

  private send(worker: Worker, command: InferenceCommand): void {
    if (worker.child.connected) worker.child.send(command);
  }
}
