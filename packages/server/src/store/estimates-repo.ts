/**
 * What the training time estimate remembers: this machine's measured training speed per model
 * shape and settings (a calibration takes seconds to a minute, so it is done once), and the
 * newest estimate shown for a fine-tune's settings (the job launched with them keeps it).
 */
import type { LaunchEstimate } from '@qlora-studio/contracts';
import type { TrainingCalibration } from '@qlora-studio/engine';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

export interface StoredCalibration {
  key: string;
  calibration: TrainingCalibration;
  /** Measured while a fine-tune or other programs were running: slower than the machine is when quiet. */
  contended: boolean;
  /** Seconds from starting the measuring process to its first step, as a job's worker also spends. */
  startupSeconds: number;
  measuredAt: string;
}

interface CalibrationRow {
  key: string;
  calibration: string;
  contended: number;
  startup_seconds: number;
  measured_at: string;
}

export function getCalibration(db: Db, key: string): StoredCalibration | null {
  const row = db.prepare('SELECT key, calibration, contended, startup_seconds, measured_at FROM training_calibrations WHERE key = ?').get(key) as
    CalibrationRow | undefined;
  if (!row) return null;
  return {
    key: row.key,
    calibration: JSON.parse(row.calibration) as TrainingCalibration,
    contended: row.contended === 1,
    startupSeconds: row.startup_seconds,
    measuredAt: row.measured_at,
  };
}

export function putCalibration(db: Db, entry: Omit<StoredCalibration, 'measuredAt'> & { shape: unknown; measuredAt?: string }): StoredCalibration {
  const measuredAt = entry.measuredAt ?? nowIso();
  db.prepare(
    `INSERT INTO training_calibrations (key, shape, calibration, contended, startup_seconds, measured_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET shape = excluded.shape, calibration = excluded.calibration, contended = excluded.contended,
       startup_seconds = excluded.startup_seconds, measured_at = excluded.measured_at`,
  ).run(entry.key, JSON.stringify(entry.shape), JSON.stringify(entry.calibration), entry.contended ? 1 : 0, entry.startupSeconds, measuredAt);
  return { key: entry.key, calibration: entry.calibration, contended: entry.contended, startupSeconds: entry.startupSeconds, measuredAt };
}

/** How long a shown estimate is kept for a launch with the same settings. */
const ESTIMATE_KEPT_DAYS = 30;

/** Remember the estimate shown for these settings (replacing an older one), and forget month-old ones. */
export function putLaunchEstimate(db: Db, configKey: string, estimate: LaunchEstimate): void {
  db.transaction(() => {
    db.prepare(
      'INSERT INTO train_estimates (config_key, estimate, created_at) VALUES (?, ?, ?) ON CONFLICT (config_key) DO UPDATE SET estimate = excluded.estimate, created_at = excluded.created_at',
    ).run(configKey, JSON.stringify(estimate), estimate.estimatedAt);
    db.prepare('DELETE FROM train_estimates WHERE created_at < ?').run(new Date(Date.now() - ESTIMATE_KEPT_DAYS * 86_400_000).toISOString());
  })();
}

export function getLaunchEstimate(db: Db, configKey: string): LaunchEstimate | null {
  const row = db.prepare('SELECT estimate FROM train_estimates WHERE config_key = ?').get(configKey) as { estimate: string } | undefined;
  return row ? (JSON.parse(row.estimate) as LaunchEstimate) : null;
}
