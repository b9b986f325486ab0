import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { processMetricNames, type Job, type JobError, type WorkerEvent } from '@qlora-studio/contracts';
import type { Db } from '../store/database.js';
import { getJob, nextQueuedJob } from '../store/jobs-repo.js';
import { readJudgeEndpoint } from '../store/settings-repo.js';
import { explainWorkerExit } from './failure.js';
import { folderBytes, ProcessSampler } from './process-sampler.js';
import type { JobService } from './job-service.js';
import { workerMessageSchema, type WorkerCommand, type WorkerSecrets } from './protocol.js';

export interface RunnerOptions {
  db: Db;
  jobs: JobService;
  workspace: string;
  logger: FastifyBaseLogger;
  /** Read at every scheduling decision, so settings changes apply at once. */
  concurrency: () => number;
  cancelGraceSeconds: () => number;
  /** The worker entry point; tests point it at fixtures that crash or hang. */
  workerPath?: string;
}

interface Running {
  job: Job;
  child: ChildProcess;
  outcome: { status: 'succeeded' | 'canceled' } | { status: 'failed'; error: JobError } | null;
  output: string[];
  killTimer: NodeJS.Timeout | null;
  exited: Promise<void>;
}

const defaultWorker = fileURLToPath(new URL('./worker/job-worker.ts', import.meta.url));
/** Workers are TypeScript: they run under the same tsx loader as the server. */
const tsxLoader = import.meta.resolve('tsx');
const outputLinesKept = 20;
/** How often a running job's CPU and memory are sampled (its output folder every 5th time). */
const resourceSampleMs = 2000;
/** The first few resource samples of a job, this far apart. */
const quickSampleMs = 400;
const firstQuickSamples = 3;

/**
 * Runs queued jobs in child processes, at most `concurrency()` at a time, and turns what the
 * children report (and how they end) into job state through the JobService.
 */
export class JobRunner {
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(private readonly options: RunnerOptions) {}

  /** Start scheduling queued jobs. */
  start(): void {
    this.pump();
  }

  /** Look for work: call after a job is queued, finishes, or the concurrency changes. */
  pump(): void {
    while (!this.stopping && this.running.size < this.options.concurrency()) {
      const next = nextQueuedJob(this.options.db);
      if (!next) return;
      this.launch(next);
    }
  }

  /** Ask a running job to stop; forced after the grace period. */
  cancel(jobId: string): void {
    const entry = this.running.get(jobId);
    if (!entry) return;
    this.send(entry, { type: 'cancel' });
    entry.killTimer ??= setTimeout(() => {
      this.options.logger.warn({ jobId }, 'job did not stop within the grace period; killing it');
      entry.child.kill('SIGKILL');
    }, this.options.cancelGraceSeconds() * 1000);
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Stop every worker (server shutdown): their jobs become interrupted. */
  async stop(): Promise<void> {
    this.stopping = true;
    const entries = [...this.running.values()];
    for (const entry of entries) {
      entry.child.kill('SIGTERM');
      entry.killTimer ??= setTimeout(() => entry.child.kill('SIGKILL'), this.options.cancelGraceSeconds() * 1000);
    }
    await Promise.all(entries.map((entry) => entry.exited));
  }

  private launch(job: Job): void {
    const started = this.options.jobs.setStatus(job.id, 'running');
    const child = fork(this.options.workerPath ?? defaultWorker, [], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: Ctrl+C in the server's terminal reaches the server, which then
      // stops its workers and records their jobs as interrupted, not failed by a stray SIGINT.
      detached: true,
      env: { ...process.env, QLORA_STUDIO_JOB_ID: job.id },
    });
    let resolveExit!: () => void;
    const entry: Running = {
      job: started,
      child,
      outcome: null,
      output: [],
      killTimer: null,
      exited: new Promise((resolve) => (resolveExit = resolve)),
    };
    this.running.set(job.id, entry);
    this.options.logger.info({ jobId: job.id, type: job.type, pid: child.pid }, 'job started');

    const keepOutput = (line: string, level: 'info' | 'warn') => {
      if (!line.trim()) return;
      entry.output.push(line);
      if (entry.output.length > outputLinesKept) entry.output.shift();
      this.record(entry, { kind: 'log', level, message: line.slice(0, 20_000) });
    };
    // Whole lines, decoded as UTF-8 across chunk boundaries.
    if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => keepOutput(line, 'info'));
    if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => keepOutput(line, 'warn'));
    child.on('message', (raw) => this.onMessage(entry, raw));
    this.sampleResources(entry);
    child.on('error', (error) => {
      this.options.logger.error({ jobId: job.id, err: error }, 'worker process error');
      entry.outcome ??= { status: 'failed', error: { message: `Could not run the worker process: ${error.message}`, hint: null } };
    });
    // 'close' comes after the output streams and IPC have drained, unlike 'exit'.
    child.on('close', (code, signal) => {
      this.finish(entry, code, signal);
      resolveExit();
    });
    this.send(entry, {
      type: 'start',
      job: { id: job.id, type: job.type, config: job.config },
      workspace: this.options.workspace,
      secrets: this.secretsFor(job),
    });
  }

  /** What the job needs that its config must not hold: the judge's API key, for a judge evaluate job. */
  private secretsFor(job: Job): WorkerSecrets {
    const judged = job.type === 'evaluate' && (job.config as { resolved?: { judge?: unknown } }).resolved?.judge;
    return judged ? { judge: readJudgeEndpoint(this.options.db) } : {};
  }

  private onMessage(entry: Running, raw: unknown): void {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.options.logger.warn({ jobId: entry.job.id, issues: parsed.error.issues }, 'ignored a malformed worker message');
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      this.record(entry, message.event);
    } else if (message.outcome === 'failed') {
      entry.outcome = { status: 'failed', error: message.error };
    } else {
      entry.outcome = { status: message.outcome };
    }
  }

  private finish(entry: Running, code: number | null, signal: NodeJS.Signals | null): void {
    const id = entry.job.id;
    if (entry.killTimer) clearTimeout(entry.killTimer);
    this.running.delete(id);
    const cancelRequested = getJob(this.options.db, id)?.cancelRequestedAt != null;
    try {
      if (this.stopping && entry.outcome === null) {
        this.options.jobs.setStatus(id, 'interrupted', {
          message: 'The server was stopped while this job ran.',
          hint: 'Run the job again.',
        });
      } else if (entry.outcome?.status === 'succeeded' && code === 0) {
        this.options.jobs.succeed(id).catch((error: unknown) => this.options.logger.warn({ jobId: id, err: error }, 'could not record the end of a job'));
      } else if (entry.outcome?.status === 'failed') {
        this.options.jobs.setStatus(id, 'failed', entry.outcome.error);
      } else if (entry.outcome?.status === 'canceled' || cancelRequested) {
        this.options.jobs.setStatus(id, 'canceled');
      } else {
        this.options.jobs.setStatus(id, 'failed', explainWorkerExit(code, signal, entry.output.slice(-3).join('\n')));
      }
    } catch (error) {
      // The job was deleted or already finished by someone else: nothing left to record.
      this.options.logger.warn({ jobId: id, err: error }, 'could not record the end of a job');
    }
    this.options.logger.info({ jobId: id, code, signal }, 'job ended');
    if (!this.stopping) setImmediate(() => this.pump());
  }

  /**
   * Every few seconds while the worker runs: its CPU % and RSS, and the bytes of the job's
   * output folder, as metrics by seconds since start (charted beside the job's own metrics).
   */
  private sampleResources(entry: Running): void {
    const pid = entry.child.pid;
    if (pid === undefined) return;
    const sampler = new ProcessSampler(pid);
    const outputDir = (entry.job.config as { resolved?: { outputDir?: string } }).resolved?.outputDir ?? null;
    const started = performance.now();
    let ticks = 0;
    let timer: NodeJS.Timeout;
    const take = () => {
      const step = Math.round((performance.now() - started) / 100) / 10;
      const sample = sampler.sample();
      if (sample) {
        this.record(entry, { kind: 'metric', name: processMetricNames.cpuPercent, value: Math.round(sample.cpuPercent * 10) / 10, step });
        this.record(entry, { kind: 'metric', name: processMetricNames.rssBytes, value: sample.rssBytes, step });
      }
      if (outputDir && ticks % 5 === 0) this.record(entry, { kind: 'metric', name: processMetricNames.outputBytes, value: folderBytes(outputDir), step });
      ticks++;
      schedule();
    };
    // The first samples come sooner, so a job of a second or two still shows what it used.
    let ended = false;
    const schedule = () => {
      if (ended) return;
      timer = setTimeout(take, ticks < firstQuickSamples ? quickSampleMs : resourceSampleMs);
      timer.unref();
    };
    schedule();
    void entry.exited.then(() => {
      ended = true;
      clearTimeout(timer);
    });
  }

  private record(entry: Running, event: WorkerEvent): void {
    try {
      this.options.jobs.recordWorkerEvent(entry.job.id, event);
    } catch (error) {
      this.options.logger.warn({ jobId: entry.job.id, err: error }, 'could not store a job event');
    }
  }

  private send(entry: Running, command: WorkerCommand): void {
    if (entry.child.connected) entry.child.send(command);
  }
}
