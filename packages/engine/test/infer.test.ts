import { describe, expect, it } from 'vitest';
import { generate, generateTokens } from '../src/infer/generate.js';
import { logLikelihood, scoreExamples, scoreTexts, scoreTokenIds } from '../src/infer/score.js';
import { IGNORE_INDEX } from '../src/train/labels.js';
import { applyRepetitionPenalty, candidateDistribution, logSoftmax, sampleNextToken } from '../src/infer/sampling.js';
import { seededRng } from '../src/util/random.js';
import { bytesCodec, scriptedTable, TableLM } from './table-lm.js';

const logits = (...values: number[]) => Float32Array.from(values);

describe('sampling', () => {
  it('penalises seen tokens as transformers does: positive logits divided, negative multiplied', () => {
    const row = logits(2, -2, 1);
    applyRepetitionPenalty(row, [0, 1, 1], 2);
    expect([...row]).toEqual([1, -4, 1]);
  });

  it('keeps the top-k, then the smallest top-p set that reaches p', () => {
    // softmax(ln 5, ln 3, ln 1, ln 1) = (0.5, 0.3, 0.1, 0.1)
    const row = logits(Math.log(5), Math.log(3), Math.log(1), Math.log(1));
    const all = candidateDistribution(row, { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 });
    expect([...all.ids]).toEqual([0, 1, 2, 3]);
    expect(all.probs[0]).toBeCloseTo(0.5, 6);
    const topP = candidateDistribution(row, { temperature: 1, topK: 0, topP: 0.8, repetitionPenalty: 1 });
    expect([...topP.ids]).toEqual([0, 1]);
    expect(topP.probs[0]).toBeCloseTo(0.5 / 0.8, 6);
    const topK = candidateDistribution(row, { temperature: 1, topK: 1, topP: 1, repetitionPenalty: 1 });
    expect([...topK.ids]).toEqual([0]);
    const tiny = candidateDistribution(row, { temperature: 1, topK: 0, topP: 0.01, repetitionPenalty: 1 });
    expect([...tiny.ids]).toEqual([0]);
  });

  it('is greedy at temperature 0 and follows the softmax when sampling', () => {
    const row = logits(0, Math.log(3), 0, 0);
    expect(sampleNextToken(row, [], { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 }, seededRng(1))).toBe(1);
    const rng = seededRng(42);
    const counts = [0, 0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sampleNextToken(row, [], { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 }, rng)]! += 1;
    // Expected (1/6, 3/6, 1/6, 1/6); 4 standard deviations of a binomial at n = 20000 is about 0.01.
    expect(counts[1]! / n).toBeCloseTo(0.5, 1);
    expect(Math.abs(counts[0]! / n - 1 / 6)).toBeLessThan(0.012);
  });

  it('computes a stable log-softmax', () => {
    const out = logSoftmax(logits(1000, 1000));
    expect(out[0]).toBeCloseTo(Math.log(0.5), 12);
  });
});

describe('generation', () => {
  const eos = 0;

  it('generates greedily until EOS, streaming text that adds up to the result', async () => {
    const model = new TableLM(scriptedTable('Hi world', eos), 256);
    const stream = generateTokens(model, bytesCodec, [...new TextEncoder().encode('H')], { eosTokenIds: [eos], maxNewTokens: 50 });
    const pieces: string[] = [];
    let step = await stream.next();
    while (!step.done) {
      pieces.push(step.value.text);
      step = await stream.next();
    }
    expect(step.value.text).toBe('i world');
    expect(step.value.finishReason).toBe('eos');
    expect(pieces.join('')).toBe('i world');
    expect(model.calls[0]).toEqual([72]); // the prompt, once; then one token per step
    expect(model.calls.slice(1).every((c) => c.length === 1)).toBe(true);
  });

  it('never streams half a character', async () => {
    const model = new TableLM(scriptedTable('xé€z', eos), 256);
    const pieces: string[] = [];
    const stream = generateTokens(model, bytesCodec, [120], { eosTokenIds: [eos], maxNewTokens: 50 });
    for (let step = await stream.next(); !step.done; step = await stream.next()) pieces.push(step.value.text);
    expect(pieces.join('')).toBe('é€z');
    expect(pieces.some((p) => p.includes('\ufffd'))).toBe(false);
  });

  it('stops before a stop string and never streams its start', async () => {
    const model = new TableLM(scriptedTable('abcXYZdef', eos), 256);
    const pieces: string[] = [];
    const stream = generateTokens(model, bytesCodec, [97], { eosTokenIds: [eos], stopStrings: ['XYZ'], maxNewTokens: 50 });
    let step = await stream.next();
    for (; !step.done; step = await stream.next()) pieces.push(step.value.text);
    expect(step.value.text).toBe('bc');
    expect(step.value.finishReason).toBe('stop');
    expect(pieces.join('')).toBe('bc');
    expect(pieces.join('')).not.toContain('X');
  });

  it('releases held-back text that turns out not to be a stop string', async () => {
    const model = new TableLM(scriptedTable('abXcd', eos), 256);
    const result = await generate(model, bytesCodec, [97], { eosTokenIds: [eos], stopStrings: ['XY'], maxNewTokens: 50 });
    expect(result.text).toBe('bXcd');
    expect(result.finishReason).toBe('eos');
  });

  it('stops at maxNewTokens and at the context window', async () => {
    const model = new TableLM(scriptedTable('abcdefgh', eos), 256, 6);
    expect(await generate(model, bytesCodec, [97], { maxNewTokens: 3 })).toMatchObject({ text: 'bcd', finishReason: 'length' });
    expect((await generate(model, bytesCodec, [97], { maxNewTokens: 100 })).tokenIds).toHaveLength(5);
  });

  it('gives the same tokens for the same seed, other tokens for another', async () => {
    const uniform = () => new Float32Array(256);
    const model = new TableLM(uniform, 256);
    const run = (seed: number) => generate(model, bytesCodec, [1], { temperature: 1, seed, maxNewTokens: 20 });
    expect((await run(7)).tokenIds).toEqual((await run(7)).tokenIds);
    expect((await run(7)).tokenIds).not.toEqual((await run(8)).tokenIds);
  });

  it('stops when aborted and refuses bad options', async () => {
    const model = new TableLM(() => new Float32Array(256), 256);
    const controller = new AbortController();
    controller.abort();
    expect((await generate(model, bytesCodec, [1], { signal: controller.signal })).finishReason).toBe('aborted');
    await expect(generate(model, bytesCodec, [1], { topP: 0 })).rejects.toThrow(/topP/);
    await expect(generate(model, bytesCodec, [], {})).rejects.toThrow(/no tokens/);
  });
});

describe('scoring', () => {
  // Next-token distribution after any token: p(t) ∝ e^(t mod 3); V = 6.
  const V = 6;
  const row = Float32Array.from({ length: V }, (_, t) => t % 3);
  const logZ = Math.log([...row].reduce((s, v) => s + Math.exp(v), 0));
  const nll = (t: number) => logZ - (t % 3);

  it('scores every token after the first, across context windows', async () => {
    const model = new TableLM(() => row, V, 4);
    const ids = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3];
    const scores = await scoreTokenIds(model, ids);
    expect(scores.tokens).toBe(9);
    expect(scores.nll).toBeCloseTo(
      ids.slice(1).reduce((s, t) => s + nll(t), 0),
      9,
    );
  });

  it('reports loss and perplexity of texts, and the log-likelihood of a continuation', async () => {
    const model = new TableLM(() => row, 256);
    const report = await scoreTexts(model, bytesCodec, ['ab', 'abc']);
    expect(report.tokens).toBe(3);
    expect(report.perplexity).toBeCloseTo(Math.exp(report.loss), 12);
    const ll = await logLikelihood(model, bytesCodec, 'a', 'b');
    expect(ll.tokens).toBe(1);
    expect(ll.logLikelihood).toBeLessThan(0);
    await expect(scoreTexts(model, bytesCodec, ['a'])).rejects.toThrow(/Nothing to score/);
  });

  it('scores only the labelled tokens of examples, across context windows', async () => {
    const model = new TableLM(() => row, V, 4);
    const ids = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3];
    // Two trained spans, [2, 4) and [7, 10), as a chat's two assistant replies would be; the rest ignored.
    const labels = ids.map((id, t) => ((t >= 2 && t < 4) || t >= 7 ? id : IGNORE_INDEX));
    const report = await scoreExamples(model, [{ inputIds: ids, labels }]);
    const expected = [2, 3, 7, 8, 9].reduce((s, t) => s + nll(ids[t]!), 0);
    expect(report.tokens).toBe(5);
    expect(report.loss).toBeCloseTo(expected / 5, 9);
    // Every label set: the same as scoring every token after the first.
    const all = await scoreExamples(model, [{ inputIds: ids, labels: ids.map((id, t) => (t > 0 ? id : IGNORE_INDEX)) }]);
    expect(all.loss * all.tokens).toBeCloseTo((await scoreTokenIds(model, ids)).nll, 9);
    await expect(scoreExamples(model, [{ inputIds: ids, labels: ids.map(() => IGNORE_INDEX) }])).rejects.toThrow(/no example has a token that trains/);
  });
});
