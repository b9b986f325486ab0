import type { DatasetReport, TokenStats } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { datasetCounts, stepsDone, trainBlocker } from './readiness';

const tokens: TokenStats = {
  seqLen: 512,
  min: 10,
  mean: 20,
  p50: 20,
  p90: 30,
  p99: 40,
  max: 40,
  totalTokens: 6000,
  trainedTokens: 0,
  overSeqLen: 0,
  histogram: [],
};
/** 300 records that read fine, but the chosen model's template refuses every one (a base model without a chat template). */
const refused: DatasetReport = {
  fileType: 'jsonl',
  format: 'prompt-completion',
  records: 300,
  valid: 0,
  problems: [],
  errorCount: 300,
  warningCount: 0,
  duplicates: 0,
  columns: ['prompt', 'completion'],
  mapping: {},
  tokens,
  samples: [],
};
const version = { valid: 300, errorCount: 0, warningCount: 0 };

describe('whether anything would train', () => {
  it('the datasets table counts what the report with the chosen model counts', () => {
    expect(datasetCounts(version, refused)).toEqual({ valid: 0, errorCount: 300, warningCount: 0, source: 'model' });
    // Without a model the report has no token statistics: the file's own counts stand.
    expect(datasetCounts(version, { ...refused, tokens: null })).toEqual({ ...version, source: 'file' });
    expect(datasetCounts(version, null).source).toBe('file');
  });

  it('blocks the launch when no record can train with the model', () => {
    expect(trainBlocker(refused, { seqLen: 512, modelName: 'stories260K' })).toBe(
      "no record can train with stories260K: all 300 have errors. See the problems in the dataset's report (step 2).",
    );
    expect(trainBlocker({ ...refused, valid: 300, errorCount: 0, tokens: { ...tokens, trainedTokens: 900 } }, { seqLen: 512 })).toBeNull();
  });

  it('does not tick "Method & parameters" while nothing would train', () => {
    const base = { hasModel: true, version, errors: {} };
    expect(stepsDone({ ...base, report: refused, blocker: trainBlocker(refused, { seqLen: 512 }) })).toEqual({
      model: true,
      dataset: false,
      params: false,
      review: false,
    });
    const fine = { ...refused, valid: 300, errorCount: 0, tokens: { ...tokens, trainedTokens: 900 } };
    expect(stepsDone({ ...base, report: fine, blocker: null })).toEqual({ model: true, dataset: true, params: true, review: false });
    // Records that read but train nothing at this sequence length: the dataset is fine, the settings are not.
    const tooShort = { ...fine, tokens: { ...tokens, seqLen: 8, trainedTokens: 0 } };
    const blocker = trainBlocker(tooShort, { seqLen: 8, modelMax: 2048 });
    expect(blocker).toMatch(/^nothing would train at a sequence length of 8/);
    expect(stepsDone({ ...base, report: tooShort, blocker })).toMatchObject({ dataset: true, params: false });
    expect(stepsDone({ ...base, report: fine, blocker: null, errors: { learningRate: 'Enter a number.' } }).params).toBe(false);
  });
});
