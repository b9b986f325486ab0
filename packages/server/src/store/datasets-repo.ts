import { ApiError, type Dataset, type DatasetParseOptions, type DatasetVersion } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { nowIso } from './rows.js';

interface DatasetRow {
  id: string;
  name: string;
  source: Dataset['source'];
  source_ref: string | null;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  dataset_id: string;
  version: number;
  file_name: string;
  file_path: string;
  size_bytes: number;
  sha256: string;
  file_type: DatasetVersion['fileType'];
  format: DatasetVersion['format'];
  parse_options: string;
  records: number;
  valid: number;
  error_count: number;
  warning_count: number;
  created_at: string;
}

/** A stored version with the file it reads (the path is the server's business, not the API's). */
export interface StoredVersion extends DatasetVersion {
  datasetId: string;
  filePath: string;
}

function toVersion(row: VersionRow): StoredVersion {
  return {
    datasetId: row.dataset_id,
    filePath: row.file_path,
    version: row.version,
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    fileType: row.file_type,
    format: row.format,
    parseOptions: JSON.parse(row.parse_options) as DatasetParseOptions,
    records: row.records,
    valid: row.valid,
    errorCount: row.error_count,
    warningCount: row.warning_count,
    createdAt: row.created_at,
  };
}

function publicVersion(v: StoredVersion): DatasetVersion {
  const { datasetId: _d, filePath: _f, ...rest } = v;
  return rest;
}

function versionRows(db: Db, id: string): StoredVersion[] {
  return (db.prepare('SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY version DESC').all(id) as VersionRow[]).map(toVersion);
}

function toDataset(db: Db, row: DatasetRow): Dataset {
  const versions = versionRows(db, row.id).map(publicVersion);
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    sourceRef: row.source_ref,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    latest: versions[0]!,
    versions,
  };
}

export type NewVersion = Omit<StoredVersion, 'datasetId' | 'version' | 'createdAt'>;

/** A new dataset with its first version, in one transaction. */
export function insertDataset(db: Db, input: { id: string; name: string; source: Dataset['source']; sourceRef: string | null; version: NewVersion }): Dataset {
  db.transaction(() => {
    const at = nowIso();
    db.prepare('INSERT INTO datasets (id, name, source, source_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      input.id,
      input.name,
      input.source,
      input.sourceRef,
      at,
      at,
    );
    insertVersionRow(db, input.id, 1, input.version, at);
  })();
  return getDatasetOrThrow(db, input.id);
}

/** The next version of a dataset. */
export function insertDatasetVersion(db: Db, id: string, version: NewVersion): Dataset {
  db.transaction(() => {
    const at = nowIso();
    const next = ((db.prepare('SELECT MAX(version) AS v FROM dataset_versions WHERE dataset_id = ?').get(id) as { v: number | null }).v ?? 0) + 1;
    insertVersionRow(db, id, next, version, at);
    db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(at, id);
  })();
  return getDatasetOrThrow(db, id);
}

function insertVersionRow(db: Db, id: string, version: number, v: NewVersion, at: string): void {
  db.prepare(
    `INSERT INTO dataset_versions (dataset_id, version, file_name, file_path, size_bytes, sha256, file_type, format, parse_options, records, valid, error_count, warning_count, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    version,
    v.fileName,
    v.filePath,
    v.sizeBytes,
    v.sha256,
    v.fileType,
    v.format,
    JSON.stringify(v.parseOptions),
    v.records,
    v.valid,
    v.errorCount,
    v.warningCount,
    at,
  );
}

export function listDatasets(db: Db): Dataset[] {
  return (db.prepare('SELECT * FROM datasets ORDER BY updated_at DESC, id DESC').all() as DatasetRow[]).map((row) => toDataset(db, row));
}

export function getDatasetOrThrow(db: Db, id: string): Dataset {
  const row = db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  if (!row) throw new ApiError('DATASET_NOT_FOUND', `No dataset with id "${id}".`);
  return toDataset(db, row);
}

/** A version (default: the newest) with its file path. */
export function getVersionOrThrow(db: Db, id: string, version?: number): StoredVersion {
  getDatasetOrThrow(db, id);
  const row = (
    version === undefined
      ? db.prepare('SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY version DESC LIMIT 1').get(id)
      : db.prepare('SELECT * FROM dataset_versions WHERE dataset_id = ? AND version = ?').get(id, version)
  ) as VersionRow | undefined;
  if (!row) throw new ApiError('DATASET_NOT_FOUND', `Dataset "${id}" has no version ${version}.`);
  return toVersion(row);
}

export function renameDataset(db: Db, id: string, name: string): Dataset {
  getDatasetOrThrow(db, id);
  db.prepare('UPDATE datasets SET name = ?, updated_at = ? WHERE id = ?').run(name, nowIso(), id);
  return getDatasetOrThrow(db, id);
}

export function deleteDatasetRows(db: Db, id: string): void {
  db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
}
