/** Benchmarks and their immutable versions, and the evaluation results cache. */
import {
  ApiError,
  type Benchmark,
  type BenchmarkFields,
  type BenchmarkGeneration,
  type BenchmarkJudge,
  type BenchmarkRows,
  type BenchmarkTemplate,
  type EvaluateJobResult,
} from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { fromJson, nowIso } from './rows.js';

interface VersionRow {
  benchmark_id: string;
  version: number;
  name: string;
  dataset_id: string;
  dataset_version: number;
  dataset_name: string;
  task: Benchmark['task'];
  fields: string;
  template: string;
  generation: string | null;
  /** JSON BenchmarkRows; null (rows stored before migration 7) means all rows. */
  row_selection: string | null;
  judge: string | null;
  items: number;
  created_at: string;
}

function versionNumbers(db: Db, id: string): number[] {
  return (db.prepare('SELECT version FROM benchmark_versions WHERE benchmark_id = ? ORDER BY version DESC').all(id) as { version: number }[]).map(
    (r) => r.version,
  );
}

function toBenchmark(db: Db, row: VersionRow): Benchmark {
  return {
    id: row.benchmark_id,
    name: row.name,
    version: row.version,
    datasetId: row.dataset_id,
    datasetVersion: row.dataset_version,
    datasetName: row.dataset_name,
    rows: fromJson<BenchmarkRows>(row.row_selection) ?? { kind: 'all' },
    task: row.task,
    fields: JSON.parse(row.fields) as BenchmarkFields,
    template: JSON.parse(row.template) as BenchmarkTemplate,
    generation: fromJson<BenchmarkGeneration>(row.generation),
    judge: fromJson<BenchmarkJudge>(row.judge),
    items: row.items,
    createdAt: row.created_at,
    versions: versionNumbers(db, row.benchmark_id),
  };
}

/** What a new version stores (its number and time are the store's). */
export type NewBenchmarkVersion = Omit<Benchmark, 'id' | 'version' | 'createdAt' | 'versions'>;

/** A new benchmark (version 1), or the next version of `id` when it exists; in one transaction. */
export function insertBenchmarkVersion(db: Db, id: string, v: NewBenchmarkVersion): Benchmark {
  const version = db.transaction(() => {
    const at = nowIso();
    const exists = db.prepare('SELECT 1 FROM benchmarks WHERE id = ?').get(id) !== undefined;
    if (exists) db.prepare('UPDATE benchmarks SET name = ?, updated_at = ? WHERE id = ?').run(v.name, at, id);
    else db.prepare('INSERT INTO benchmarks (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, v.name, at, at);
    const next = ((db.prepare('SELECT MAX(version) AS v FROM benchmark_versions WHERE benchmark_id = ?').get(id) as { v: number | null }).v ?? 0) + 1;
    db.prepare(
      `INSERT INTO benchmark_versions (benchmark_id, version, name, dataset_id, dataset_version, dataset_name, task, fields, template, generation, row_selection, judge, items, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      next,
      v.name,
      v.datasetId,
      v.datasetVersion,
      v.datasetName,
      v.task,
      JSON.stringify(v.fields),
      JSON.stringify(v.template),
      v.generation ? JSON.stringify(v.generation) : null,
      JSON.stringify(v.rows),
      v.judge ? JSON.stringify(v.judge) : null,
      v.items,
      at,
    );
    return next;
  })();
  return getBenchmarkOrThrow(db, id, version);
}

/** The newest version of every benchmark, most recently changed first. */
export function listBenchmarks(db: Db): Benchmark[] {
  const rows = db
    .prepare(
      `SELECT v.* FROM benchmark_versions v JOIN benchmarks b ON b.id = v.benchmark_id
       WHERE v.version = (SELECT MAX(version) FROM benchmark_versions WHERE benchmark_id = v.benchmark_id)
       ORDER BY b.updated_at DESC, b.id DESC`,
    )
    .all() as VersionRow[];
  return rows.map((row) => toBenchmark(db, row));
}

/** A benchmark version (default: the newest). */
export function getBenchmarkOrThrow(db: Db, id: string, version?: number): Benchmark {
  const row = (
    version === undefined
      ? db.prepare('SELECT * FROM benchmark_versions WHERE benchmark_id = ? ORDER BY version DESC LIMIT 1').get(id)
      : db.prepare('SELECT * FROM benchmark_versions WHERE benchmark_id = ? AND version = ?').get(id, version)
  ) as VersionRow | undefined;
  if (row) return toBenchmark(db, row);
  const versions = versionNumbers(db, id);
  throw new ApiError(
    'BENCHMARK_NOT_FOUND',
    versions.length === 0
      ? `No benchmark with id "${id}": list the benchmarks (GET /api/benchmarks) and choose one of them.`
      : `Benchmark "${id}" has no version ${version}; its versions are ${versions.join(', ')}.`,
  );
}

// ---- the evaluation results cache --------------------------------------------------------------

export function getCachedEvaluation(db: Db, key: string): { jobId: string; result: EvaluateJobResult } | null {
  const row = db.prepare('SELECT job_id, result FROM evaluation_cache WHERE key = ?').get(key) as { job_id: string; result: string } | undefined;
  return row ? { jobId: row.job_id, result: JSON.parse(row.result) as EvaluateJobResult } : null;
}

export function putCachedEvaluation(db: Db, key: string, jobId: string, result: EvaluateJobResult): void {
  db.prepare('INSERT OR REPLACE INTO evaluation_cache (key, job_id, result, created_at) VALUES (?, ?, ?, ?)').run(key, jobId, JSON.stringify(result), nowIso());
}

/** Deletes a benchmark and its versions (cached results stay: they are keyed by what produced them and belong to jobs). */
export function deleteBenchmarkRows(db: Db, id: string): void {
  db.prepare('DELETE FROM benchmarks WHERE id = ?').run(id);
}

/** Names of the benchmarks made from any version of dataset `datasetId`. */
export function benchmarksUsingDataset(db: Db, datasetId: string): string[] {
  const rows = db
    .prepare('SELECT DISTINCT b.name FROM benchmarks b JOIN benchmark_versions v ON v.benchmark_id = b.id WHERE v.dataset_id = ? ORDER BY b.name')
    .all(datasetId) as { name: string }[];
  return rows.map((r) => r.name);
}

/** Queued or running evaluate jobs on benchmark `id`. */
export function jobsUsingBenchmark(db: Db, id: string): string[] {
  const rows = db.prepare("SELECT id, config FROM jobs WHERE type = 'evaluate' AND status IN ('queued', 'running')").all() as { id: string; config: string }[];
  return rows.filter((row) => (JSON.parse(row.config) as { benchmarkId?: string }).benchmarkId === id).map((row) => row.id);
}

/** Ids of the evaluate jobs of batch `batchId` (its launch and its retries), oldest first. */
export function evaluateJobIdsOfBatch(db: Db, batchId: string): string[] {
  const rows = db.prepare("SELECT id FROM jobs WHERE type = 'evaluate' AND json_extract(config, '$.batchId') = ? ORDER BY seq").all(batchId) as {
    id: string;
  }[];
  return rows.map((row) => row.id);
}
