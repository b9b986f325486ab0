/**
 * The training job's log, in words: which steps to log, and one line for each step, evaluation,
 * checkpoint, resume point, data warning and the final summary. Pure functions of numbers the
 * loop already has; the loop only decides when to call them.
 */
import type { LogLevel } from '@qlora-studio/contracts';
import type { EvalRecord } from './checkpoint.js';
import type { DatasetReport } from './pack.js';

export interface LogLine {
  level: LogLevel;
  text: string;
}

/** Runs of at most this many steps log every step; longer runs log about this many steps. */
export const STEP_LINES_PER_RUN = 50;
/** A step is logged when this long has passed since the last logged one, even between intervals. */
export const STEP_LOG_SECONDS = 10;

/**
 * Which optimizer steps get a log line: every step of a short run; in a longer one the first and
 * last steps, every 1/50th of the run, and any step that comes 10 s or more after the last logged
 * one (so a slow run still shows life), whichever comes first.
 */
export class StepLogCadence {
  private readonly every: number;
  private lastAt: number | null = null;

  /** `firstStep`: the first step this run takes (after a resume, the one after the checkpoint). */
  constructor(
    private readonly totalSteps: number,
    private readonly firstStep = 1,
    private readonly seconds = STEP_LOG_SECONDS,
  ) {
    this.every = Math.max(1, Math.floor(totalSteps / STEP_LINES_PER_RUN));
  }

  /** Whether `step`, done at `nowSeconds` (any monotonic clock), is logged; if so, it counts as the last logged. */
  take(step: number, nowSeconds: number): boolean {
    const due =
      step === this.firstStep || step === this.totalSteps || step % this.every === 0 || (this.lastAt !== null && nowSeconds - this.lastAt >= this.seconds);
    if (due) this.lastAt = nowSeconds;
    return due;
  }
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
const lossText = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));
const lrText = (x: number): string => (x === 0 ? '0' : x.toExponential(2));

/** Seconds as "14 min 21 s", "2 h 5 min" or "8.4 s". */
export function durationText(seconds: number): string {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  const [h, m, rest] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h} h ${m} min` : `${m} min ${rest} s`;
}

export interface StepFacts {
  step: number;
  totalSteps: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  /** Tokens this step trained on, per second of the step. */
  tokensPerSecond: number;
}

/** "Step 12/300: loss 2.3456, lr 2.00e-4, grad norm 0.812, 1,234 tokens/s". */
export function stepLine(s: StepFacts): string {
  const norm = Number.isFinite(s.gradNorm) ? s.gradNorm.toPrecision(3) : String(s.gradNorm);
  return `Step ${s.step}/${s.totalSteps}: loss ${lossText(s.loss)}, lr ${lrText(s.learningRate)}, grad norm ${norm}, ${count(s.tokensPerSecond)} tokens/s`;
}

/** "Eval at step 50: loss 2.1234, perplexity 8.36 (best so far)", or with the best one to beat. */
export function evalLine(record: EvalRecord, evals: readonly EvalRecord[]): string {
  const head = `Eval at step ${record.step}: loss ${lossText(record.loss)}, perplexity ${Number.isFinite(record.perplexity) ? record.perplexity.toFixed(2) : String(record.perplexity)}`;
  let best: EvalRecord | null = null;
  for (const e of evals) if (Number.isFinite(e.loss) && (best === null || e.loss < best.loss)) best = e;
  if (best === null) return `${head} (no finite eval loss yet)`;
  return best === record || best.step === record.step ? `${head} (best so far)` : `${head} (best ${lossText(best.loss)} at step ${best.step})`;
}

/** "Checkpoint saved at step 50: /out/checkpoint-50". */
export function checkpointLine(step: number, dir: string): string {
  return `Checkpoint saved at step ${step}: ${dir}`;
}

/** "Resuming from checkpoint /out/checkpoint-50: step 50 of 300 done, 250 to go." */
export function resumeLine(checkpointDir: string, step: number, totalSteps: number): string {
  return `Resuming from checkpoint ${checkpointDir}: step ${step} of ${totalSteps} done, ${totalSteps - step} to go.`;
}

/**
 * What the data looks like once tokenized, and warnings for what training will not see: examples
 * cut at the sequence length, and examples left out because nothing in them trains within it.
 * `which`: 'training' or 'validation'.
 */
export function dataLines(report: DatasetReport, seqLen: number, which: 'training' | 'validation'): LogLine[] {
  const lines: LogLine[] = [
    {
      level: 'info',
      text: `${which === 'training' ? 'Training' : 'Validation'} data: ${plural(report.examples, 'example')} → ${plural(report.rows, 'row')} of at most ${count(seqLen)} tokens, ${count(report.tokens)} tokens (${count(report.trainedTokens)} trained); lengths p50 ${count(report.lengths.p50)}, p90 ${count(report.lengths.p90)}, max ${count(report.lengths.max)}.`,
    },
  ];
  if (report.truncated > 0) {
    lines.push({
      level: 'warn',
      text: `${plural(report.truncated, `${which} example`)} of ${count(report.examples)} ${report.truncated === 1 ? 'is' : 'are'} longer than the sequence length ${count(seqLen)} (longest ${count(report.lengths.max)} tokens) and ${report.truncated === 1 ? 'was' : 'were'} cut to it: what comes after is not ${which === 'training' ? 'trained on' : 'scored'}.`,
    });
  }
  if (report.dropped > 0) {
    lines.push({
      level: 'warn',
      text: `${plural(report.dropped, `${which} example`)} left out: none of ${report.dropped === 1 ? 'its' : 'their'} tokens would train within the first ${count(seqLen)} (e.g. the prompt alone fills the sequence length).`,
    });
  }
  return lines;
}

export interface RunSummary {
  steps: number;
  totalSteps: number;
  /** Seconds of training, over every resume. */
  seconds: number;
  finalLoss: number | null;
  finalEval: EvalRecord | null;
  stoppedEarly: boolean;
  outputDir: string;
}

/** "Finished 300 steps in 14 min 21 s: final loss 1.2345, eval loss 1.3456 (perplexity 3.84). Adapter written to /out." */
export function summaryLine(s: RunSummary): string {
  const what = s.stoppedEarly ? `Stopped early after ${s.steps} of ${s.totalSteps} steps` : `Finished ${plural(s.steps, 'step')}`;
  const facts = [
    s.finalLoss === null ? null : `final loss ${lossText(s.finalLoss)}`,
    s.finalEval ? `eval loss ${lossText(s.finalEval.loss)} (perplexity ${s.finalEval.perplexity.toFixed(2)})` : null,
  ].filter(Boolean);
  return `${what} in ${durationText(s.seconds)}${facts.length ? `: ${facts.join(', ')}` : ''}. Adapter written to ${s.outputDir}`;
}
