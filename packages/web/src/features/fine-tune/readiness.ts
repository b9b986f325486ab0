import type { DatasetReport, DatasetVersion } from '@qlora-studio/contracts';
import type { FieldErrors } from './config-draft';
import { seqLenAdvice } from './seq-len-advice';

/**
 * Whether anything would train, said the same way everywhere on the Fine-tune page. A stored
 * version counts the records its file holds and how many read without error; the report made
 * with the chosen model counts what will actually train (its template may refuse records, and
 * the sequence length may leave nothing to learn). Once a model is chosen, the report wins.
 */
export interface DatasetCounts {
  valid: number;
  errorCount: number;
  warningCount: number;
  /** 'model': the report with the chosen model's tokenizer and template; 'file': the file as read. */
  source: 'model' | 'file';
}

/** What the datasets table shows for a version: the chosen model's report when there is one for it. */
export function datasetCounts(version: Pick<DatasetVersion, 'valid' | 'errorCount' | 'warningCount'>, report: DatasetReport | null | undefined): DatasetCounts {
  if (report?.tokens) return { valid: report.valid, errorCount: report.errorCount, warningCount: report.warningCount, source: 'model' };
  return { valid: version.valid, errorCount: version.errorCount, warningCount: version.warningCount, source: 'file' };
}

/**
 * Why launching would fail although every setting is valid, in one line for the review step, or
 * null: no record can train with this model, or nothing would train at this sequence length.
 */
export function trainBlocker(report: DatasetReport | null | undefined, opts: { seqLen: number; modelMax?: number; modelName?: string }): string | null {
  const stats = report?.tokens;
  if (!report || !stats) return null;
  if (report.valid === 0 && report.records > 0) {
    return `no record can train with ${opts.modelName ?? 'this model'}: all ${report.records.toLocaleString()} have errors. See the problems in the dataset's report (step 2).`;
  }
  // Only for the report at the sequence length now in the form (it follows a moment later).
  if (stats.seqLen !== opts.seqLen) return null;
  return seqLenAdvice(stats, { valid: report.valid, modelMax: opts.modelMax })?.blocker ?? null;
}

export type FineTuneStep = 'model' | 'dataset' | 'params' | 'review';

/** The steps the stepper ticks: each only when it leaves something that would train. */
export function stepsDone(input: {
  hasModel: boolean;
  version: Pick<DatasetVersion, 'valid' | 'errorCount' | 'warningCount'> | null;
  report: DatasetReport | null | undefined;
  errors: FieldErrors;
  blocker: string | null;
}): Record<FineTuneStep, boolean> {
  const datasetReady = !!input.version && datasetCounts(input.version, input.report).valid > 0;
  const settingsValid = !Object.keys(input.errors).some((k) => k !== 'modelId' && k !== 'datasetId');
  return {
    model: input.hasModel,
    dataset: datasetReady,
    params: input.hasModel && datasetReady && settingsValid && !input.blocker,
    review: false,
  };
}
