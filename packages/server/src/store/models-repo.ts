import { ApiError, type BaseModel } from '@qlora-studio/contracts';
import type { Db } from './database.js';
import { newId, nowIso } from './rows.js';

/** What the models table keeps as JSON: everything about the model but its identity. */
type ModelInfo = Omit<BaseModel, 'id' | 'name' | 'source' | 'sourceRef' | 'path' | 'createdAt'>;

interface ModelRow {
  id: string;
  name: string;
  source: BaseModel['source'];
  source_ref: string | null;
  path: string;
  info: string;
  created_at: string;
}

function toModel(row: ModelRow): BaseModel {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    sourceRef: row.source_ref,
    path: row.path,
    createdAt: row.created_at,
    ...(JSON.parse(row.info) as ModelInfo),
  };
}

export function insertModel(db: Db, input: Omit<BaseModel, 'id' | 'createdAt'> & { id?: string }): BaseModel {
  const { id = newId('model'), name, source, sourceRef, path, ...info } = input;
  db.prepare('INSERT INTO models (id, name, source, source_ref, path, info, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id,
    name,
    source,
    sourceRef,
    path,
    JSON.stringify(info),
    nowIso(),
  );
  return getModelOrThrow(db, id);
}

export function listModels(db: Db): BaseModel[] {
  return (db.prepare('SELECT * FROM models ORDER BY created_at DESC, id DESC').all() as ModelRow[]).map(toModel);
}

export function getModelOrThrow(db: Db, id: string): BaseModel {
  const row = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new ApiError('MODEL_NOT_FOUND', `No base model with id "${id}".`);
  return toModel(row);
}

export function deleteModelRow(db: Db, id: string): void {
  db.prepare('DELETE FROM models WHERE id = ?').run(id);
}
