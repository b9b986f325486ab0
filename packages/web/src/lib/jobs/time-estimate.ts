/**
 * Training time estimates in words: a range ("12–16 min"), the step time it was measured at,
 * and how a finished run compared with the estimate it was launched with.
 */
import { launchEstimateSchema, type Job, type LaunchEstimate, type TrainingTime } from '@qlora-studio/contracts';
import { formatDuration, secondsBetween } from '../format';

type Unit = { name: string; seconds: number; digits: number };
const units: Unit[] = [
  { name: 's', seconds: 1, digits: 0 },
  { name: 'min', seconds: 60, digits: 0 },
  { name: 'h', seconds: 3600, digits: 1 },
];

/** The unit a duration reads best in: seconds below a minute, minutes below 90, then hours. */
function unitOf(seconds: number): Unit {
  if (seconds < 60) return units[0]!;
  if (seconds < 90 * 60) return units[1]!;
  return units[2]!;
}

/** `value` in `unit`, rounded down (`low`) or up, so the rounded range still holds the true one. */
function amount(seconds: number, unit: Unit, side: 'low' | 'high'): number {
  const digits = unit.name === 's' && seconds < 10 ? 1 : unit.digits;
  const scale = 10 ** digits;
  const v = (seconds / unit.seconds) * scale;
  return (side === 'low' ? Math.floor(v + 1e-9) : Math.ceil(v - 1e-9)) / scale;
}

/**
 * A duration range in the fewest words: "12–16 min", "40 s – 2 min", "1.5–2.3 h"; one figure
 * ("3 min") when both ends round to it. The low end rounds down and the high end up.
 */
export function formatDurationRange(lowSeconds: number, highSeconds: number): string {
  if (!Number.isFinite(lowSeconds) || !Number.isFinite(highSeconds) || lowSeconds < 0 || highSeconds < lowSeconds) return '—';
  const lowUnit = unitOf(lowSeconds);
  const highUnit = unitOf(highSeconds);
  const low = amount(lowSeconds, lowUnit, 'low');
  const high = amount(highSeconds, highUnit, 'high');
  if (lowUnit === highUnit) return low === high ? `${low} ${lowUnit.name}` : `${low}–${high} ${lowUnit.name}`;
  return `${low} ${lowUnit.name} – ${high} ${highUnit.name}`;
}

/** Seconds per step with two significant figures below 10 s ("0.37 s", "2.9 s"), else as a duration. */
export function formatStepSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${Number(seconds.toPrecision(2))} s`;
  return formatDuration(seconds);
}

/** "≈ 12–16 min", with "(rough)" when it was counted rather than measured. */
export function formatTrainingTime(time: Pick<TrainingTime, 'basis' | 'lowSeconds' | 'highSeconds'>): string {
  return `≈ ${formatDurationRange(time.lowSeconds, time.highSeconds)}${time.basis === 'rough' ? ' (rough)' : ''}`;
}

/** The time estimate a fine-tune was launched with (kept in its config), or null. */
export function launchEstimateOf(job: Pick<Job, 'type' | 'config'>): LaunchEstimate | null {
  if (job.type !== 'train') return null;
  const parsed = launchEstimateSchema.safeParse((job.config.resolved as { estimate?: unknown } | undefined)?.estimate);
  return parsed.success ? parsed.data : null;
}

/**
 * The estimate beside what happened: "Estimated 12–16 min · took 14 min 21 s, within the
 * estimate" once a run succeeded, and the estimate alone before (with the step time it rests on).
 */
export function estimateVersusActual(job: Pick<Job, 'type' | 'config' | 'status' | 'startedAt' | 'finishedAt'>): string | null {
  const e = launchEstimateOf(job);
  if (!e) return null;
  const estimated = `Estimated ${formatDurationRange(e.lowSeconds, e.highSeconds)}${e.basis === 'rough' ? ' (rough)' : ''}`;
  if (job.status !== 'succeeded' || !job.startedAt || !job.finishedAt) {
    const basis = e.basis === 'measured' ? ` (measured: ${formatStepSeconds(e.secondsPerStep)} per step on this machine)` : '';
    return `${estimated} for the whole run${basis}`;
  }
  const took = secondsBetween(job.startedAt, job.finishedAt);
  const verdict = took < e.lowSeconds ? 'faster than estimated' : took > e.highSeconds ? 'longer than estimated' : 'within the estimate';
  return `${estimated} · took ${formatDuration(took)}, ${verdict}`;
}
