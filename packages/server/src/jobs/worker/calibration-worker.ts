/**
 * Entry point of a calibration process (forked by TrainingCalibrator): times a few training
 * steps of one model shape with `calibrateTraining`, reports progress over IPC, and exits. In
 * its own process so the server keeps answering while it computes, and so the time measured is
 * that of a process like a job's worker. Exits when the server goes away.
 */
import { calibrateTraining, type CalibrationProgress } from '@qlora-studio/engine';
import type { CalibrateCommand, CalibrationMessage } from '../calibration-protocol.js';

function send(message: CalibrationMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function describe(p: CalibrationProgress): { message: string; fraction: number } {
  if (p.phase === 'setup') return { message: 'Preparing a model of the same shape…', fraction: 0.05 };
  if (p.phase === 'eval') return { message: 'Timing an evaluation pass…', fraction: 0.95 };
  if (p.phase === 'warmup') return { message: `Warming up (step ${p.step})…`, fraction: Math.min(0.25, 0.05 + 0.02 * p.step) };
  // Small models time more steps than the least (`total`), so the bar slows near its end rather than passing it.
  return { message: `Timing training step ${p.step}…`, fraction: 0.25 + 0.7 * Math.min(1, (p.step - 1) / p.total) };
}

process.on('message', (command: CalibrateCommand) => {
  if (command.type !== 'calibrate') return;
  void calibrateTraining(command.input, (p) => void send({ type: 'progress', ...describe(p) }))
    .then((calibration) => send({ type: 'done', calibration }))
    .catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(70));
void send({ type: 'ready' });
