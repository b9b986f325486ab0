/**
 * The launch form's pure parts: which adapters and checkpoints can be evaluated, and the
 * models × benchmarks matrix a selection queues (POST /api/evaluations).
 */
import type { Job, LaunchEvaluationBody } from '@qlora-studio/contracts';

/** Something to put on a base model: a fine-tune's final adapter or its newest checkpoint. */
export interface AdapterOption {
  /** Unique among the options (a job id, or the job id and the checkpoint step). */
  key: string;
  jobId: string;
  /** The base model it was trained on (it can only be evaluated on that one). */
  modelId: string;
  /** What the launch body's `adapter` takes: the job id, or the checkpoint folder. */
  ref: string;
  label: string;
  kind: 'final' | 'checkpoint';
  step: number | null;
}

function configString(config: Record<string, unknown>, key: string): string | null {
  const value = config[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Every adapter the fine-tunes left: a succeeded fine-tune's final adapter (by job id), and the
 * newest checkpoint of any fine-tune that saved one (by its folder inside the workspace's
 * adapters), so a run that failed halfway can still be measured. Newest jobs first.
 */
export function adapterOptions(jobs: readonly Job[]): AdapterOption[] {
  return jobs.flatMap((job) => {
    const modelId = job.type === 'train' ? configString(job.config, 'modelId') : null;
    if (!modelId) return [];
    const options: AdapterOption[] = [];
    if (job.status === 'succeeded') {
      options.push({ key: job.id, jobId: job.id, modelId, ref: job.id, label: job.title, kind: 'final', step: null });
    }
    const checkpoint = job.latestCheckpoint;
    if (checkpoint) {
      options.push({
        key: `${job.id}@${checkpoint.step}`,
        jobId: job.id,
        modelId,
        ref: checkpoint.path,
        label: `${job.title}, checkpoint at step ${checkpoint.step}`,
        kind: 'checkpoint',
        step: checkpoint.step,
      });
    }
    return options;
  });
}

export interface ModelSelection {
  /** Base models chosen on their own. */
  baseModelIds: readonly string[];
  adapters: readonly AdapterOption[];
  /** Also evaluate the base model of every chosen adapter, so each adapter has a base to compare with. */
  includeBase: boolean;
}

/** The launch body's `models`: bases first, then the adapters, each pair once. */
export function launchModels(selection: ModelSelection): LaunchEvaluationBody['models'] {
  const bases = [...selection.baseModelIds, ...(selection.includeBase ? selection.adapters.map((a) => a.modelId) : [])];
  const models: LaunchEvaluationBody['models'] = [...new Set(bases)].map((modelId) => ({ modelId }));
  const seen = new Set<string>();
  for (const a of selection.adapters) {
    const key = `${a.modelId}\u0000${a.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    models.push({ modelId: a.modelId, adapter: a.ref });
  }
  return models;
}

/** How many evaluate jobs a launch queues: one per model and benchmark. */
export function launchJobCount(models: number, benchmarks: number): number {
  return models * benchmarks;
}

/** Parses the item limit field: empty for all items, else a whole number of at least 1. */
export function parseLimit(text: string): { limit: number | undefined; error: string | null } {
  const t = text.trim();
  if (t === '') return { limit: undefined, error: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) return { limit: undefined, error: 'Give a whole number of items, at least 1, or leave it empty for all items.' };
  return { limit: n, error: null };
}
