import { advisedSeqLen, type TokenStats } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { seqLenAdvice } from './seq-len-advice';

/** Token statistics of records with these lengths, as the engine counts them (cut when longer than seqLen). */
function statsOf(lengths: number[], seqLen: number, trainedTokens = 100): TokenStats {
  const sorted = [...lengths].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return {
    seqLen,
    min: sorted[0]!,
    mean: sorted.reduce((s, n) => s + n, 0) / sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted.at(-1)!,
    totalTokens: sorted.reduce((s, n) => s + n, 0),
    trainedTokens,
    overSeqLen: sorted.filter((n) => n > seqLen).length,
    histogram: [],
  };
}

/** 300 records: most of them 300–690 tokens, a few long ones up to `longest`. */
const lengths = (longest: number) => [...Array.from({ length: 297 }, (_, i) => 300 + Math.round((i / 296) * 390)), longest - 40, longest - 20, longest];

describe('sequence-length advice', () => {
  it('never advises more than the model reads, and says what stays cut instead (stories260K: 512 positions)', () => {
    const stats = statsOf(lengths(760), 512);
    const advice = seqLenAdvice(stats, { valid: 300, modelMax: 512 })!;
    expect(advice.title).toBe(`${stats.overSeqLen} records are longer than the sequence length of 512`);
    expect(advice.body).not.toMatch(/768|raise/i);
    expect(advice.body).toContain('This model reads at most 512 tokens');
    expect(advice.body).toContain('the longest record has 760');
  });

  it('advises a length that is not the current one: the count and the advice follow one rule (demo model at 704)', () => {
    const stats = statsOf(lengths(900), 704);
    expect(stats.overSeqLen).toBe(3);
    const advice = seqLenAdvice(stats, { valid: 300, modelMax: 2048 })!;
    expect(advice.title).toBe('3 records are longer than the sequence length of 704');
    expect(advice.body).toContain('Raise the sequence length to 960 (step 3) so every record fits');
    // At the advised length, the same rule counts no record as cut.
    const { seqLen, fitsAll } = advisedSeqLen(stats, 2048);
    expect(fitsAll).toBe(true);
    expect(statsOf(lengths(900), seqLen).overSeqLen).toBe(0);
    expect(seqLenAdvice(statsOf(lengths(900), seqLen), { valid: 300, modelMax: 2048 })).toBeNull();
  });

  it('advises the model limit when the longest record does not fit in it, naming what stays cut', () => {
    const advice = seqLenAdvice(statsOf(lengths(900), 256), { valid: 300, modelMax: 512 })!;
    expect(advice.body).toContain('Raise the sequence length to 512, the most this model reads');
    expect(advice.body).toContain('the longest has 900 tokens');
    expect(advice.body).not.toContain('960');
  });

  it('when nothing would train: raises to where the answers fit, or says a longer length is impossible', () => {
    const short = seqLenAdvice(statsOf([30, 35, 40], 8, 0), { valid: 3, modelMax: 2048 })!;
    expect(short.tone).toBe('danger');
    expect(short.title).toBe('Nothing would train at a sequence length of 8');
    expect(short.blocker).toBe(
      "nothing would train at a sequence length of 8: every record's answer starts after it. Raise the sequence length to 64 (step 3).",
    );
    const atLimit = seqLenAdvice(statsOf([600, 700], 512, 0), { valid: 2, modelMax: 512 })!;
    expect(atLimit.body).toContain('a longer sequence length is not possible');
    expect(atLimit.blocker).toMatch(/reads at most 512 tokens: shorten the prompts\.$/);
    expect(`${atLimit.body} ${atLimit.blocker}`).not.toMatch(/Raise/);
  });

  it('says nothing when every record fits', () => {
    expect(seqLenAdvice(statsOf([10, 20], 64), { valid: 2, modelMax: 2048 })).toBeNull();
  });
});
