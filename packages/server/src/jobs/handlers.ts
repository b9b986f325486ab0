import { jobTypeLabels, systemCheckConfigSchema, type JobType } from '@qlora-studio/contracts';
import { runSystemCheck, type JobReporter } from '@qlora-studio/engine';

export interface JobContext {
  workspace: string;
  signal: AbortSignal;
  report: JobReporter;
}

/** What each job type runs inside the worker process; the value returned is the job's result. */
export const jobHandlers: Record<JobType, (config: unknown, ctx: JobContext) => Promise<unknown>> = {
  'system-check': (config, ctx) => runSystemCheck(systemCheckConfigSchema.parse(config), ctx),
};

export function jobTitle(type: JobType): string {
  return jobTypeLabels[type];
}
