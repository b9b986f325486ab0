/**
 * The name a new job gets. In the server process, beside the job service: the labels come
 * from contracts, and a fine-tune's parts from what the server resolved when queuing it.
 */
import { defaultEvaluateJobTitle, defaultTrainJobTitle, jobTypeLabels, type CreateJobBody } from '@qlora-studio/contracts';
import type { ResolvedEvaluateJobConfig } from './evaluate-config.js';
import type { ResolvedTrainJobConfig } from './train-config.js';

/** The one asked for, else a fine-tune's model · dataset · method, an evaluation's model · benchmark, else its type. */
export function jobTitle(body: CreateJobBody): string {
  if (body.title) return body.title;
  const resolved = body.type === 'train' ? (body.config as Partial<ResolvedTrainJobConfig>).resolved : undefined;
  if (body.type === 'train' && resolved) {
    return defaultTrainJobTitle({
      modelName: resolved.modelName,
      datasetName: resolved.dataset.name,
      datasetVersion: resolved.dataset.version,
      method: body.config.method,
      r: body.config.lora.r,
    });
  }
  const evaluated = body.type === 'evaluate' ? (body.config as Partial<ResolvedEvaluateJobConfig>).resolved : undefined;
  if (evaluated) {
    return defaultEvaluateJobTitle({
      modelName: evaluated.modelName,
      adapterLabel: evaluated.adapter?.label ?? null,
      benchmarkName: evaluated.benchmark.name,
      benchmarkVersion: evaluated.benchmark.version,
    });
  }
  return jobTypeLabels[body.type];
}
