import { jobStatuses, type Overview, type TrainingMetricName } from '@qlora-studio/contracts';
import type { Db } from './database.js';

/** The Dashboard's counts, in a handful of indexed queries. */
export function readOverview(db: Db): Overview {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  const jobs = Object.fromEntries(jobStatuses.map((s) => [s, 0])) as Overview['jobs'];
  for (const row of db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as { status: keyof Overview['jobs']; n: number }[])
    jobs[row.status] = row.n;
  return {
    models: count('SELECT COUNT(*) AS n FROM models'),
    adapters: count("SELECT COUNT(*) AS n FROM jobs WHERE type = 'train' AND status = 'succeeded'"),
    datasets: count('SELECT COUNT(*) AS n FROM datasets'),
    jobs,
    tokensTrained: (
      db.prepare('SELECT COALESCE(SUM(value), 0) AS n FROM job_metrics WHERE name = ?').get('tokens' satisfies TrainingMetricName) as { n: number }
    ).n,
  };
}
