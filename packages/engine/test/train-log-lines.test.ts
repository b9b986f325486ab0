/** The training log's lines and which steps get one (src/train/log-lines.ts). */
import { describe, expect, it } from 'vitest';
import { checkpointLine, dataLines, durationText, evalLine, resumeLine, StepLogCadence, stepLine, summaryLine } from '../src/train/log-lines.js';
import type { DatasetReport } from '../src/train/pack.js';

/** The steps a cadence logs when each step takes `secondsPerStep`. */
function logged(totalSteps: number, secondsPerStep: number, firstStep = 1): number[] {
  const cadence = new StepLogCadence(totalSteps, firstStep);
  const steps: number[] = [];
  for (let step = firstStep; step <= totalSteps; step++) if (cadence.take(step, step * secondsPerStep)) steps.push(step);
  return steps;
}

describe('StepLogCadence', () => {
  it('logs every step of a short run', () => {
    expect(logged(6, 0.1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(logged(50, 0.1)).toHaveLength(50);
  });

  it('logs about 50 steps of a fast long run, always the first and the last', () => {
    const steps = logged(1003, 0.01);
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(1003);
    expect(steps.length).toBeGreaterThanOrEqual(50);
    expect(steps.length).toBeLessThanOrEqual(53);
    expect(steps.slice(1, 4)).toEqual([20, 40, 60]);
  });

  it('logs at least every 10 s of a slow long run', () => {
    const steps = logged(1000, 4); // an interval of 20 steps is 80 s: the 10 s rule comes first
    expect(steps.slice(0, 4)).toEqual([1, 4, 7, 10]);
    for (let i = 1; i < steps.length; i++) expect((steps[i]! - steps[i - 1]!) * 4).toBeLessThanOrEqual(12);
  });

  it('after a resume, logs the first step it takes', () => {
    expect(logged(1000, 0.01, 301)[0]).toBe(301);
  });
});

describe('log lines', () => {
  it('a step: loss, learning rate, grad norm and tokens/s', () => {
    expect(stepLine({ step: 12, totalSteps: 300, loss: 2.345_67, learningRate: 2e-4, gradNorm: 0.812_34, tokensPerSecond: 1234.4 })).toBe(
      'Step 12/300: loss 2.3457, lr 2.00e-4, grad norm 0.812, 1,234 tokens/s',
    );
  });

  it('an evaluation: loss, perplexity and the best so far', () => {
    const first = { step: 10, loss: 2, perplexity: Math.exp(2) };
    const worse = { step: 20, loss: 2.5, perplexity: Math.exp(2.5) };
    const better = { step: 30, loss: 1.5, perplexity: Math.exp(1.5) };
    expect(evalLine(first, [first])).toBe('Eval at step 10: loss 2.0000, perplexity 7.39 (best so far)');
    expect(evalLine(worse, [first, worse])).toBe('Eval at step 20: loss 2.5000, perplexity 12.18 (best 2.0000 at step 10)');
    expect(evalLine(better, [first, worse, better])).toMatch(/\(best so far\)$/);
    const nan = { step: 5, loss: NaN, perplexity: NaN };
    expect(evalLine(nan, [nan])).toBe('Eval at step 5: loss NaN, perplexity NaN (no finite eval loss yet)');
  });

  it('a checkpoint and a resume point name the folder and the step', () => {
    expect(checkpointLine(50, '/out/checkpoint-50')).toBe('Checkpoint saved at step 50: /out/checkpoint-50');
    expect(resumeLine('/out/checkpoint-50', 50, 300)).toBe('Resuming from checkpoint /out/checkpoint-50: step 50 of 300 done, 250 to go.');
  });

  const report: DatasetReport = {
    examples: 300,
    kept: 297,
    truncated: 12,
    dropped: 3,
    tokens: 45_000,
    trainedTokens: 12_000,
    rows: 297,
    lengths: { p50: 120, p90: 400, p99: 700, max: 801 },
  };

  it('the data, with warnings for examples cut at the sequence length and examples left out', () => {
    const lines = dataLines(report, 512, 'training');
    expect(lines).toEqual([
      {
        level: 'info',
        text: 'Training data: 300 examples → 297 rows of at most 512 tokens, 45,000 tokens (12,000 trained); lengths p50 120, p90 400, max 801.',
      },
      {
        level: 'warn',
        text: '12 training examples of 300 are longer than the sequence length 512 (longest 801 tokens) and were cut to it: what comes after is not trained on.',
      },
      {
        level: 'warn',
        text: '3 training examples left out: none of their tokens would train within the first 512 (e.g. the prompt alone fills the sequence length).',
      },
    ]);
  });

  it('no warning when nothing is cut or left out; one example in the singular', () => {
    expect(dataLines({ ...report, truncated: 0, dropped: 0 }, 1024, 'validation')).toHaveLength(1);
    expect(
      dataLines({ ...report, truncated: 1, dropped: 1 }, 512, 'validation')
        .slice(1)
        .map((l) => l.text),
    ).toEqual([
      '1 validation example of 300 is longer than the sequence length 512 (longest 801 tokens) and was cut to it: what comes after is not scored.',
      '1 validation example left out: none of its tokens would train within the first 512 (e.g. the prompt alone fills the sequence length).',
    ]);
  });

  it('the summary: steps, time, final loss, eval loss and where the adapter is', () => {
    const finalEval = { step: 300, loss: 1.3456, perplexity: Math.exp(1.3456) };
    expect(summaryLine({ steps: 300, totalSteps: 300, seconds: 861, finalLoss: 1.234_51, finalEval, stoppedEarly: false, outputDir: '/out' })).toBe(
      'Finished 300 steps in 14 min 21 s: final loss 1.2345, eval loss 1.3456 (perplexity 3.84). Adapter written to /out',
    );
    expect(summaryLine({ steps: 40, totalSteps: 300, seconds: 8.44, finalLoss: 2, finalEval: null, stoppedEarly: true, outputDir: '/out' })).toBe(
      'Stopped early after 40 of 300 steps in 8.4 s: final loss 2.0000. Adapter written to /out',
    );
  });

  it('durations read as people say them', () => {
    expect([durationText(8.44), durationText(42.6), durationText(861), durationText(7500)]).toEqual(['8.4 s', '43 s', '14 min 21 s', '2 h 5 min']);
  });
});
