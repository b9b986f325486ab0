import type { Job } from '@qlora-studio/contracts';

/**
 * What canceling a running fine-tune throws away. A cancel stops between steps without saving,
 * so the steps since the newest checkpoint are lost; Resume continues from that checkpoint. A
 * resumed run that has saved none of its own still has the one it started from (`resumeFrom`).
 */
export interface CancelRisk {
  /** Optimizer steps done now. */
  step: number;
  /** Steps that canceling loses. */
  lostSteps: number;
  /** The checkpoint step Resume would continue from, or null when there is none (only Retry, from the start). */
  resumeFromStep: number | null;
}

const checkpointStep = (path: unknown) => {
  const step = typeof path === 'string' ? /checkpoint-(\d+)$/.exec(path)?.[1] : undefined;
  return step ? Number(step) : null;
};

/** Null when nothing would be lost (not a running fine-tune, no step yet, or just checkpointed). */
export function cancelRisk(job: Pick<Job, 'type' | 'status' | 'progress' | 'latestCheckpoint' | 'config'>): CancelRisk | null {
  if (job.type !== 'train' || job.status !== 'running' || !job.progress) return null;
  const step = job.progress.step;
  const resumeFromStep = job.latestCheckpoint?.step ?? checkpointStep((job.config.resolved as { resumeFrom?: unknown } | undefined)?.resumeFrom);
  const lostSteps = step - (resumeFromStep ?? 0);
  return lostSteps > 0 ? { step, lostSteps, resumeFromStep } : null;
}

const steps = (n: number) => `${n.toLocaleString()} step${n === 1 ? '' : 's'}`;

/** The confirmation's words for one job: what is lost, and what Resume (or only Retry) can do after. */
export function describeCancelRisk(risk: CancelRisk): string {
  if (risk.resumeFromStep === null) {
    const lost = risk.lostSteps === 1 ? 'that step is' : `all ${steps(risk.lostSteps)} are`;
    return `It is at step ${risk.step.toLocaleString()} and has saved no checkpoint, so ${lost} lost: it can only be retried from the start.`;
  }
  return `It is at step ${risk.step.toLocaleString()}; the last checkpoint is at step ${risk.resumeFromStep.toLocaleString()}, so ${steps(risk.lostSteps)} will be lost. Resume continues from step ${risk.resumeFromStep.toLocaleString()}.`;
}
