/** One progress report: the step reached and when (ms since the epoch). */
export interface ProgressSample {
  step: number;
  t: number;
}

/** Weight of the newest seconds-per-step measurement in the moving average. */
export const etaSmoothing = 0.3;

/**
 * Seconds per step as an exponential moving average over the progress reports, so one slow or
 * fast step (an eval, a checkpoint save) does not make the estimate jump. Each measurement spans
 * at least `minIntervalMs`, so reports that arrive in a burst (stamped the same moment) are
 * pooled rather than read as "no time per step". Reports that do not advance are skipped; a step
 * that goes backwards (a resumed run restarting its count) starts the average over. Null until
 * there is one measurement.
 */
export function smoothedSecondsPerStep(samples: readonly ProgressSample[], alpha = etaSmoothing, minIntervalMs = 1000): number | null {
  let average: number | null = null;
  let previous: ProgressSample | undefined;
  for (const sample of samples) {
    if (!previous || sample.step < previous.step) {
      if (previous) average = null;
      previous = sample;
      continue;
    }
    if (sample.step === previous.step || sample.t - previous.t < minIntervalMs) continue;
    const perStep = (sample.t - previous.t) / 1000 / (sample.step - previous.step);
    average = average === null ? perStep : alpha * perStep + (1 - alpha) * average;
    previous = sample;
  }
  return average;
}

/**
 * Seconds left: the smoothed time per step times the steps still to go, less the time since the
 * last report (never below zero). Null when there is not enough to go on.
 */
export function smoothedEtaSeconds(samples: readonly ProgressSample[], total: number, now: number, alpha = etaSmoothing): number | null {
  const last = samples[samples.length - 1];
  const perStep = smoothedSecondsPerStep(samples, alpha);
  if (!last || perStep === null || total <= 0) return null;
  if (last.step >= total) return 0;
  const sinceLast = Math.max(0, (now - last.t) / 1000);
  return Math.max(0, perStep * (total - last.step) - sinceLast);
}
