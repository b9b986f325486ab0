import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { explainWorkerExit } from '../jobs/failure.js';
import { inferenceMessageSchema, type GenerateTask, type InferenceCommand, type InferenceMessage } from './inference-protocol.js';

/** What a task hears from its worker; `failed` also comes from the pool when the worker dies. */
export type TaskEvent = InferenceMessage extends infer M ? (M extends { taskId: string } ? Omit<M, 'taskId'> : never) : never;

interface Task {
  task: GenerateTask;
  onEvent: (event: TaskEvent) => void;
}

interface Worker {
  child: ChildProcess;
  busy: Task | null;
  /** Models this worker has loaded (`quant|dir`), to send a request where its model already is. */
  models: Set<string>;
  idleTimer: NodeJS.Timeout | null;
  lastOutput: string[];
}

export interface InferencePoolOptions {
  logger: FastifyBaseLogger;
  /** How many replies may be generated at once (one worker each); read at every decision. */
  size: () => number;
  /** A worker with nothing to do exits after this long, giving its memory back. */
  idleMs?: number;
  workerPath?: string;
}

const defaultWorker = fileURLToPath(new URL('./inference-worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
/**
 * Inference runs below normal priority: a fine-tune running at the same time keeps the CPU it
 * needs, and the Playground uses what is left (all of it when nothing else runs).
 */
const workerNiceness = 10;

function modelKey(task: GenerateTask): string {
  return `${task.quant}|${task.modelDir}`;
}

/**
 * Runs generation requests in worker processes, first come first served, at most `size()` at
 * a time. Workers start on demand, keep their models loaded, and exit when idle.
 */
export class InferencePool {
  private readonly queue: Task[] = [];
  private readonly workers: Worker[] = [];
  private stopped = false;

  constructor(private readonly options: InferencePoolOptions) {}

  submit(task: GenerateTask, onEvent: (event: TaskEvent) => void): void {
    if (this.stopped) {
      onEvent({ type: 'failed', error: { message: 'The server is stopping.', hint: 'Start it again and rerun the prompt.' } });
      return;
    }
    this.queue.push({ task, onEvent });
    this.pump();
  }

  /** How many tasks wait before this one (0: next), or null when it is not waiting. */
  position(taskId: string): number | null {
    const index = this.queue.findIndex((entry) => entry.task.taskId === taskId);
    return index < 0 ? null : index;
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
    if (this.stopped || this.workers.length > 0 || this.options.size() < 1) return;
    this.release(this.spawn());
  }

  /** The worker processes running now (for diagnostics and tests). */
  workerPids(): number[] {
    return this.workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
  }

  get busyCount(): number {
    return this.workers.filter((w) => w.busy).length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    const exits = this.workers.map((w) => new Promise<void>((resolve) => (w.child.exitCode !== null || w.child.signalCode !== null ? resolve() : w.child.once('close', () => resolve()))));
    for (const worker of this.workers) worker.child.kill('SIGKILL');
    await Promise.all(exits);
  }

  /** Start waiting tasks on free workers; call after the allowed number of streams changes. */
  pump(): void {
    while (!this.stopped && this.queue.length > 0) {
      const head = this.queue[0]!;
      const idle = this.workers.filter((w) => !w.busy);
      const worker = idle.find((w) => w.models.has(modelKey(head.task))) ?? idle[0] ?? (this.workers.length < this.options.size() ? this.spawn() : null);
      if (!worker) break;
      this.queue.shift();
      this.dispatch(worker, head);
    }
    // Fewer streams allowed than workers running (a settings change): let idle ones go.
    for (const worker of this.workers.filter((w) => !w.busy).slice(Math.max(0, this.options.size() - this.busyCount))) worker.child.kill('SIGTERM');
  }

  private dispatch(worker: Worker, entry: Task): void {
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    worker.idleTimer = null;
    worker.busy = entry;
    worker.models.add(modelKey(entry.task));
    this.send(worker, { type: 'generate', ...entry.task });
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
    const worker: Worker = { child, busy: null, models: new Set(), idleTimer: null, lastOutput: [] };
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
      this.options.logger.warn({ raw }, 'ignored an unexpected inference worker message');
      return;
    }
    const { taskId: _taskId, ...event } = parsed.data;
    const entry = worker.busy;
    if (event.type === 'done' || event.type === 'failed') this.release(worker);
    entry.onEvent(event as TaskEvent);
  }

  private release(worker: Worker): void {
    worker.busy = null;
    worker.idleTimer = setTimeout(() => worker.child.kill('SIGTERM'), this.options.idleMs ?? 5 * 60_000);
    worker.idleTimer.unref();
    setImmediate(() => this.pump());
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (worker.idleTimer) clearTimeout(worker.idleTimer);
    this.workers.splice(this.workers.indexOf(worker), 1);
    const entry = worker.busy;
    worker.busy = null;
    if (entry) {
      const why = this.stopped ? { message: 'The server stopped while this reply was generated.', hint: 'Run the prompt again.' } : explainWorkerExit(code, signal, worker.lastOutput.join('\n'));
      entry.onEvent({ type: 'failed', error: why });
    }
    this.options.logger.info({ pid: worker.child.pid, code, signal }, 'inference worker ended');
    if (!this.stopped) setImmediate(() => this.pump());
  }

  private send(worker: Worker, command: InferenceCommand): void {
    if (worker.child.connected) worker.child.send(command);
  }
}
