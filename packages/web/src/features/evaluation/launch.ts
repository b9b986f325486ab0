/**
 * The launch form's pure parts: which adapters and checkpoints can be evaluated, and the
 * models × benchmarks matrix a selection queues (POST /api/evaluations).
 */
import { isTerminal, type Job, type JobEvent, type LaunchEvaluationBody } from '@qlora-studio/contracts';

/** Something to put on a base model: a fine-tune's final adapter or one of its checkpoints. */
export interface AdapterOption {
  /** Unique among the options (a job id, or the job id and the checkpoint step). */
  key: string;
  jobId: string;
  /** The base model it was trained on (it can only be evaluated on that one). */
  modelId: string;
  /**
   * What the launch body's `adapter` takes: the job id, or the checkpoint folder. The server
   * labels a folder by its path inside the workspace's adapters (`<run>/checkpoint-<step>`),
   * which is how Results recognises a checkpoint and draws its metric against the step.
   */
  ref: string;
  label: string;
  kind: 'final' | 'checkpoint';
  step: number | null;
}

/** A fine-tune that left something to evaluate: its final adapter and whether it saved checkpoints. */
export interface FineTuneOption {
  jobId: string;
  title: string;
  modelId: string;
  /** Null unless the fine-tune succeeded (only then did it write a final adapter). */
  final: AdapterOption | null;
  /** Its newest checkpoint as the job list reports it; null when it saved none. */
  latestCheckpoint: AdapterOption | null;
  /** Still running, so it may save more checkpoints than its events list so far. */
  running: boolean;
}

function configString(config: Record<string, unknown>, key: string): string | null {
  const value = config[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function checkpointOption(job: Pick<Job, 'id' | 'title'>, modelId: string, step: number, path: string): AdapterOption {
  return { key: `${job.id}@${step}`, jobId: job.id, modelId, ref: path, label: `${job.title}, checkpoint at step ${step}`, kind: 'checkpoint', step };
}

/**
 * Every fine-tune that left an adapter: a succeeded one's final adapter (by job id), and any
 * that saved a checkpoint (by folder inside the workspace's adapters), so a run that failed
 * halfway can still be measured. Other jobs are skipped. Order kept (newest jobs first).
 */
export function fineTuneOptions(jobs: readonly Job[]): FineTuneOption[] {
  return jobs.flatMap((job) => {
    const modelId = job.type === 'train' ? configString(job.config, 'modelId') : null;
    if (!modelId) return [];
    const final: AdapterOption | null =
      job.status === 'succeeded' ? { key: job.id, jobId: job.id, modelId, ref: job.id, label: job.title, kind: 'final', step: null } : null;
    const latest = job.latestCheckpoint;
    const latestCheckpoint = latest ? checkpointOption(job, modelId, latest.step, latest.path) : null;
    if (!final && !latestCheckpoint) return [];
    const running = !isTerminal(job.status);
    return [{ jobId: job.id, title: job.title, modelId, final, latestCheckpoint, running }];
  });
}

/** The step a checkpoint artifact names, from its label or its folder (`checkpoint-<step>`). */
export function checkpointStep(artifact: { label?: string | undefined; path: string }): number | null {
  for (const text of [artifact.label ?? '', artifact.path]) {
    const match = /(?:^|[\\/])checkpoint-(\d+)[\\/]?$/.exec(text);
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * All checkpoints of one fine-tune, oldest step first: those its `artifact` events report
 * (artifactKind `checkpoint`) and its `latestCheckpoint`, one per step. A step saved twice (a
 * resumed run writes the same folder again) keeps the last report; the job's own
 * `latestCheckpoint` is added when the events are older than it (a running fine-tune).
 */
export function checkpointOptions(fineTune: FineTuneOption, events: readonly JobEvent[]): AdapterOption[] {
  const byStep = new Map<number, AdapterOption>();
  for (const event of events) {
    if (event.kind !== 'artifact' || event.artifactKind !== 'checkpoint') continue;
    const step = checkpointStep(event);
    if (step === null) continue;
    byStep.set(step, checkpointOption({ id: fineTune.jobId, title: fineTune.title }, fineTune.modelId, step, event.path));
  }
  const latest = fineTune.latestCheckpoint;
  if (latest?.step != null && !byStep.has(latest.step)) byStep.set(latest.step, latest);
  return [...byStep.values()].sort((a, b) => a.step! - b.step!);
}

/** Whether every one of `options` is chosen, none, or some (for a tri-state "all" box). */
export function selectionState(options: readonly AdapterOption[], chosen: ReadonlySet<string>): 'all' | 'none' | 'some' {
  const n = options.filter((o) => chosen.has(o.key)).length;
  return n === 0 ? 'none' : n === options.length ? 'all' : 'some';
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
