/**
 * Entry point of a job's worker process (forked by the runner). Runs one job, reports what
 * happens over IPC, and exits. If the server goes away the IPC channel closes and the
 * worker exits too, so no orphan keeps computing.
 */
import { jobResultSchemas, jobTypes, type WorkerEvent } from '@qlora-studio/contracts';
import type { JobReporter } from '@qlora-studio/engine';
import { explainJobError } from '../failure.js';
import type { WorkerCommand, WorkerMessage } from '../protocol.js';
import { jobHandlers } from './handlers.js';

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
  const type = jobTypes.find((t) => t === command.job.type);
  if (!type) {
    await send({ type: 'outcome', outcome: 'failed', error: { message: `Unknown job type "${command.job.type}".`, hint: null } });
    return;
  }
  try {
    const ctx = { workspace: command.workspace, signal: controller.signal, report: reporter };
    const result = await jobHandlers[type](command.job.config, ctx, command.secrets ?? {});
    // What is stored is what contracts say this type leaves, so readers need no casts.
    emit({ kind: 'result', data: jobResultSchemas[type].parse(result) });
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
