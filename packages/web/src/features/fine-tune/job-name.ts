import { defaultTrainJobTitle, jobTitleSchema, type BaseModel, type Dataset, type TrainJobConfig } from '@qlora-studio/contracts';

/** The name the server gives this run when none is sent (the same rule, from contracts). */
export function defaultJobName(config: TrainJobConfig, model: BaseModel, dataset: Dataset): string {
  return defaultTrainJobTitle({
    modelName: model.name,
    datasetName: dataset.name,
    datasetVersion: dataset.latest.version,
    method: config.method,
    r: config.lora.r,
  });
}

/**
 * What to send as the job's title for what the user typed in the review step: nothing when
 * they left the default (or emptied the field), so the server names it; else the name, or why
 * it cannot be used.
 */
export function chosenJobName(typed: string | null, defaultName: string): { title: string | undefined; error: string | null } {
  const name = typed?.trim() ?? '';
  if (!name || name === defaultName) return { title: undefined, error: null };
  const parsed = jobTitleSchema.safeParse(name);
  return parsed.success ? { title: parsed.data, error: null } : { title: undefined, error: parsed.error.issues[0]!.message };
}
