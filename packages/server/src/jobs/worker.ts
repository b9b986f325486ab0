/**
 * Entry point of a job's worker process (forked by the runner). Runs one job, reports what
 * happens over IPC, and exits. If the server goes away the IPC channel closes and the
 * worker exits too, so no orphan keeps computing.
 */
import type { JobType, WorkerEvent } from '@qlora-studio/contracts';
import type { JobReporter } from '@qlora-studio/engine';
import { explainJobError } from './failure.js';
import { jobHandlers } from './handlers.js';
import type { WorkerCommand, WorkerMessage } from './protocol.js';

const controller = new AbortController();

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function emit(event: WorkerEvent): void {
  void send({ type: 'event', event });
}

const reporter: JobReporter = {
  progress: (p) => emit({ kind: 'progress', ...p }),
  metric: (name, value, step) => emit({ kind: 'metric', name, value, step }),
  log: (level, message) => emit({ kind: 'log', level, message }),
  artifact: (artifactKind, path, label) => emit({ kind: 'artifact', artifactKind, path, ...(label ? { label } : {}) }),
};

async function run(command: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  const handler = jobHandlers[command.job.type as JobType];
  if (!handler) {
    await send({ type: 'outcome', outcome: 'failed', error: { message: `Unknown job type "${command.job.type}".`, hint: null } });
    return;
  }
  try {
    const result = await handler(command.job.config, { workspace: command.workspace, signal: controller.signal, report: reporter });
    emit({ kind: 'result', data: result ?? null });
    await send({ type: 'outcome', outcome: 'succeeded' });
  } catch (error) {
    if (controller.signal.aborted) {
      await send({ type: 'outcome', outcome: 'canceled' });
    } else {
      reporter.log('error', error instanceof Error ? (error.stack ?? error.message) : String(error));
      await send({ type: 'outcome', outcome: 'failed', error: explainJobError(error) });
    }
  }
}

process.on('message', (command: WorkerCommand) => {
  if (command.type === 'start') {
    void run(command).then(() => process.exit(0));
  } else if (command.type === 'cancel') {
    controller.abort();
  }
});
process.on('disconnect', () => process.exit(70));
