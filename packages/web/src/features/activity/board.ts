import { isTerminal, jobTypeLabels, type Job, type JobStatus, type JobType } from '@qlora-studio/contracts';

/** The board's columns, in order, and the states each holds. */
export const boardColumns = [
  { id: 'queued', title: 'Queued', statuses: ['queued'] },
  { id: 'running', title: 'Running', statuses: ['running'] },
  { id: 'succeeded', title: 'Completed', statuses: ['succeeded'] },
  { id: 'ended', title: 'Failed / Canceled / Interrupted', statuses: ['failed', 'canceled', 'interrupted'] },
] as const satisfies readonly { id: string; title: string; statuses: readonly JobStatus[] }[];
export type BoardColumnId = (typeof boardColumns)[number]['id'];

export function columnOf(status: JobStatus): BoardColumnId {
  return boardColumns.find((c) => (c.statuses as readonly JobStatus[]).includes(status))!.id;
}

/** Jobs per column, each column keeping the list's order (newest first). */
export function groupByColumn(jobs: readonly Job[]): Record<BoardColumnId, Job[]> {
  const groups: Record<BoardColumnId, Job[]> = { queued: [], running: [], succeeded: [], ended: [] };
  for (const job of jobs) groups[columnOf(job.status)].push(job);
  return groups;
}

/** What a fine-tune's stored config says it used (the server adds `resolved` at launch). */
export interface ResolvedInfo {
  modelName: string | null;
  datasetName: string | null;
  datasetVersion: number | null;
  datasetId: string | null;
  validationDatasetName: string | null;
  outputDir: string | null;
  resumeFrom: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function resolvedInfo(job: Pick<Job, 'config'>): ResolvedInfo {
  const resolved = obj(job.config.resolved);
  const dataset = obj(resolved?.dataset);
  const validation = obj(resolved?.validationDataset);
  const version = dataset?.version;
  return {
    modelName: str(resolved?.modelName),
    datasetName: str(dataset?.name),
    datasetVersion: typeof version === 'number' ? version : null,
    datasetId: str(dataset?.id) ?? str(job.config.datasetId),
    validationDatasetName: str(validation?.name),
    outputDir: str(resolved?.outputDir),
    resumeFrom: str(resolved?.resumeFrom),
  };
}

export interface BoardFilter {
  type: JobType | 'all';
  text: string;
}

/** Words a job is found by: title, id, type, and a fine-tune's model and dataset names. */
export function searchText(job: Job): string {
  const info = resolvedInfo(job);
  return [job.title, job.id, jobTypeLabels[job.type], info.modelName, info.datasetName, info.validationDatasetName].filter(Boolean).join(' ').toLowerCase();
}

/** Jobs of the chosen type whose text has every word typed (any order, any case). */
export function filterJobs(jobs: readonly Job[], filter: BoardFilter): Job[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return jobs.filter((job) => {
    if (filter.type !== 'all' && job.type !== filter.type) return false;
    if (!words.length) return true;
    const text = searchText(job);
    return words.every((w) => text.includes(w));
  });
}

export type BulkAction = 'cancel' | 'retry' | 'delete';

/** Whether an action applies to a job in its state (the server has the final word). */
export function canApply(action: BulkAction, job: Pick<Job, 'status'>): boolean {
  if (action === 'cancel') return !isTerminal(job.status);
  return isTerminal(job.status);
}

/** A fine-tune that stopped early with a checkpoint can continue from it. */
export function canResume(job: Pick<Job, 'type' | 'status' | 'latestCheckpoint'>): boolean {
  return job.type === 'train' && ['interrupted', 'canceled', 'failed'].includes(job.status) && !!job.latestCheckpoint;
}

/** "Select all in view": all visible selected → clear them; otherwise add them all. */
export function toggleAll(selected: ReadonlySet<string>, visibleIds: readonly string[]): Set<string> {
  const next = new Set(selected);
  const all = visibleIds.length > 0 && visibleIds.every((id) => next.has(id));
  for (const id of visibleIds) {
    if (all) next.delete(id);
    else next.add(id);
  }
  return next;
}

/** Selected ids still in the list (a deleted job drops out). */
export function pruneSelection(selected: ReadonlySet<string>, jobs: readonly Pick<Job, 'id'>[]): Set<string> {
  const ids = new Set(jobs.map((j) => j.id));
  return new Set([...selected].filter((id) => ids.has(id)));
}
