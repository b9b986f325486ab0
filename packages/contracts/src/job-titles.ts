/**
 * Job names. A fine-tune is named by default from what sets it apart ("stories260K · gsm8k300
 * v4 · QLoRA r8"), so runs in a list do not all read "Fine-tune"; the user may name it at launch
 * and rename it later.
 */
import { z } from 'zod';

export const jobTitleSchema = z
  .string()
  .trim()
  .min(1, 'Give the job a name, or leave the field empty for the default one.')
  .max(120, 'Keep the name under 120 characters.');

/** PATCH /api/jobs/:id: rename a job (any status). */
export const updateJobBodySchema = z.object({ title: jobTitleSchema }).strict().meta({ id: 'UpdateJobBody' });
export type UpdateJobBody = z.infer<typeof updateJobBodySchema>;

/** The default name of a fine-tune: model · dataset and version · method and rank. */
export function defaultTrainJobTitle(p: { modelName: string; datasetName: string; datasetVersion: number; method: 'qlora' | 'lora'; r: number }): string {
  return `${p.modelName} · ${p.datasetName} v${p.datasetVersion} · ${p.method === 'qlora' ? 'QLoRA' : 'LoRA'} r${p.r}`;
}

/** The default name of an evaluation: model (+ adapter) · benchmark and version. */
export function defaultEvaluateJobTitle(p: { modelName: string; adapterLabel: string | null; benchmarkName: string; benchmarkVersion: number }): string {
  return `${p.modelName}${p.adapterLabel ? ` + ${p.adapterLabel}` : ''} · ${p.benchmarkName} v${p.benchmarkVersion}`;
}
