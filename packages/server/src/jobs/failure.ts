import type { JobError } from '@qlora-studio/contracts';

/**
 * Explain, in plain words, a worker process that ended without reporting an outcome.
 * `lastOutput` is the tail of what it printed, the best clue we have.
 */
export function explainWorkerExit(code: number | null, signal: NodeJS.Signals | null, lastOutput: string): JobError {
  const clue = lastOutput.trim() ? ` Its last output was: ${lastOutput.trim().slice(-500)}` : '';
  if (signal === 'SIGKILL') {
    return {
      message: `The job's worker process was killed (SIGKILL) before it finished.${clue}`,
      hint: 'The operating system kills processes this way when memory runs out. Free memory, or use a smaller model, batch size or sequence length, then run the job again.',
    };
  }
  if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL' || signal === 'SIGABRT') {
    return {
      message: `The job's worker process crashed in native code (${signal}).${clue}`,
      hint: 'This is a bug in the engine or ONNX Runtime. Run the job again; if it repeats, report it with the job log.',
    };
  }
  if (signal) {
    return {
      message: `The job's worker process was stopped by signal ${signal} before it finished.${clue}`,
      hint: 'Something outside QLoRA Studio stopped the process. Run the job again.',
    };
  }
  return {
    message: `The job's worker process exited with code ${code ?? 'unknown'} without reporting a result.${clue}`,
    hint: 'Read the job log for the last messages, then run the job again.',
  };
}

/** A failure thrown inside a job handler, for the user. */
export function explainJobError(error: unknown): JobError {
  if (error instanceof Error) {
    const hint = (error as { hint?: unknown }).hint;
    return { message: error.message || error.name, hint: typeof hint === 'string' ? hint : null };
  }
  return { message: String(error), hint: null };
}
