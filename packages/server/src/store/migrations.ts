/**
 * Numbered schema migrations, applied in order at start. Never edit a migration that has
 * shipped: add the next number instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs, events, metrics, activity, settings, access tokens',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        type TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','canceled','interrupted')),
        config TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        cancel_requested_at TEXT,
        progress TEXT,
        error TEXT,
        result TEXT
      );
      CREATE INDEX jobs_status ON jobs (status, seq);

      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX job_events_job ON job_events (job_id, id);

      CREATE TABLE job_metrics (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        step REAL NOT NULL,
        value REAL NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX job_metrics_job ON job_metrics (job_id, name, step);

      CREATE TABLE activity (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        job_id TEXT
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE access_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('practitioner','member')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'base models, datasets and their immutable versions',
    sql: `
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('local','hub','demo')),
        source_ref TEXT,
        path TEXT NOT NULL,
        info TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('upload','path','hub')),
        source_ref TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE dataset_versions (
        dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        file_path TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        file_type TEXT NOT NULL,
        format TEXT,
        parse_options TEXT NOT NULL,
        records INTEGER NOT NULL,
        valid INTEGER NOT NULL,
        error_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (dataset_id, version)
      );
    `,
  },
  {
    version: 3,
    name: 'job lineage and the newest checkpoint of a fine-tune',
    sql: `
      ALTER TABLE jobs ADD COLUMN parent_id TEXT;
      ALTER TABLE jobs ADD COLUMN latest_checkpoint TEXT;
    `,
  },
  {
    version: 4,
    name: 'playground sessions and runs',
    sql: `
      CREATE TABLE playground_sessions (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        -- The access token that started it; NULL: this machine (loopback).
        owner_token_id TEXT,
        owner_label TEXT NOT NULL,
        shared INTEGER NOT NULL DEFAULT 0,
        draft TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE playground_runs (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES playground_sessions (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        prompt TEXT NOT NULL,
        settings TEXT NOT NULL,
        panes TEXT NOT NULL,
        -- The words history search looks in: prompt, variables, outputs, notes, model names.
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX playground_runs_by_session ON playground_runs (session_id, created_at);
    `,
  },
  {
    version: 5,
    name: 'measured training speed by model shape, and the time estimate each fine-tune was launched with',
    sql: `
      -- One row per model shape and settings that change a step's time (see jobs/calibration-key.ts).
      CREATE TABLE training_calibrations (
        key TEXT PRIMARY KEY,
        shape TEXT NOT NULL,
        calibration TEXT NOT NULL,
        -- 1: measured while a fine-tune was running, so slower than this machine can do.
        contended INTEGER NOT NULL,
        startup_seconds REAL NOT NULL,
        measured_at TEXT NOT NULL
      );

      -- The newest estimate shown for a fine-tune's settings, by a hash of them, so the job
      -- launched with those settings keeps what the user was told.
      CREATE TABLE train_estimates (
        config_key TEXT PRIMARY KEY,
        estimate TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'benchmarks and their versions, and the evaluation results cache',
    sql: `
      CREATE TABLE benchmarks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- A version is never changed: editing a benchmark adds one.
      CREATE TABLE benchmark_versions (
        benchmark_id TEXT NOT NULL REFERENCES benchmarks (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        dataset_version INTEGER NOT NULL,
        dataset_name TEXT NOT NULL,
        task TEXT NOT NULL,
        fields TEXT NOT NULL,
        template TEXT NOT NULL,
        generation TEXT,
        items INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (benchmark_id, version)
      );

      -- An evaluate job's result by a hash of what produced it (model files, adapter files,
      -- benchmark version, limit, quant, kernels; see evaluation/evaluation-service.ts).
      CREATE TABLE evaluation_cache (
        key TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'benchmark versions record which rows are items (all, or a fine-tune held-out split) and judge settings',
    sql: `
      ALTER TABLE benchmark_versions ADD COLUMN row_selection TEXT;
      ALTER TABLE benchmark_versions ADD COLUMN judge TEXT;
    `,
  },
];
