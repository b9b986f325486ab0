import type { JobReporter } from '@qlora-studio/engine';

/** A reporter for the terminal: progress on one line, logs above it. */
export function terminalReporter(quiet: boolean): JobReporter {
  return {
    progress: (p) => {
      if (!quiet && process.stderr.isTTY) process.stderr.write(`\r\x1b[K[${p.step}/${p.total}] ${p.message ?? ''}`);
    },
    metric: () => {},
    // The summary printed at the end says what the info lines say; only problems are shown live.
    log: (level, message) => {
      if (!quiet && (level === 'warn' || level === 'error')) process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${message}\n`);
    },
    artifact: () => {},
  };
}
