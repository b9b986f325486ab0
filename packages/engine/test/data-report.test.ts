import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDatasetBytes } from '../src/data/parse.js';
import { buildDatasetReport } from '../src/data/report.js';
import { ChatTemplate } from '../src/io/chat-template.js';
import { loadModelFolder } from '../src/io/model-folder.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { IGNORE_INDEX } from '../src/train/labels.js';
import { tokenizeRecord } from '../src/train/tokenize.js';
import { twoExchangeChat } from './chat-fixture.js';
import { sharedData } from './shared-data.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-data-report-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const folder = loadModelFolder(makeTinyModel({ arch: 'llama', outDir: path.join(root, 'llama') }).dir);
folder.weights.close();
const tokenizer = folder.tokenizer;
const chatTemplate = new ChatTemplate(folder.chatTemplate!, tokenizer.specialTokens);

const parse = (text: string, name: string) => parseDatasetBytes(new TextEncoder().encode(text), name);
const jsonl = (records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n');
// The source form (OpenAI messages) of the masking tests' chat.
const chat = { messages: twoExchangeChat.messages };

describe('without a model', () => {
  it('counts records, problems and exact duplicates; no tokens, no samples', async () => {
    const parsed = await parse(jsonl([{ text: 'a' }, { text: 'b' }, { text: 'a' }, { text: 5 }, { text: 'a' }, { text: 'b' }]), 'd.jsonl');
    const report = buildDatasetReport(parsed);
    expect(report).toMatchObject({
      fileType: 'jsonl',
      format: 'text',
      records: 6,
      valid: 5,
      errorCount: 1,
      warningCount: 3,
      duplicates: 3,
      tokens: null,
      samples: [],
    });
    expect(report.problems.map((p) => [p.location, p.kind, p.message])).toEqual([
      ['line 3', 'duplicate', 'an exact duplicate of line 1.'],
      ['line 4', 'wrong-type', '"text" must be a string, not a number.'],
      ['line 5', 'duplicate', 'an exact duplicate of line 1.'],
      ['line 6', 'duplicate', 'an exact duplicate of line 2.'],
    ]);
    // Duplicates are the records as they train: the same chat from two layouts is one.
    const mixed = await parse('[{"instruction":"q","output":"a"},{"instruction":"q","input":"","output":"a","system":""}]', 'm.json');
    expect(buildDatasetReport(mixed).duplicates).toBe(1);
    const limited = buildDatasetReport(parsed, { problemLimit: 2 });
    expect(limited.problems.length).toBe(2);
    expect(limited.warningCount + limited.errorCount).toBe(4);
  });
});

describe('with the tiny model', () => {
  it('renders samples whose trained pieces are exactly the assistant turns, token by token', async () => {
    const parsed = await parse(jsonl([chat]), 'c.jsonl');
    const report = buildDatasetReport(parsed, { tokenizer, chatTemplate, seqLen: 512 });
    expect(report.samples.length).toBe(1);
    const sample = report.samples[0]!;
    const example = tokenizeRecord(parsed.records[0]!, { tokenizer, chatTemplate });
    // Token by token: the pieces are runs of the labels' trained flags, decoded.
    const runs: { ids: number[]; trained: boolean }[] = [];
    example.inputIds.forEach((id, t) => {
      const trained = example.labels[t] !== IGNORE_INDEX;
      if (runs.at(-1)?.trained === trained) runs.at(-1)!.ids.push(id);
      else runs.push({ ids: [id], trained });
    });
    expect(sample.pieces).toEqual(runs.map((r) => ({ text: tokenizer.decode(r.ids), trained: r.trained })));
    expect(sample.pieces.filter((p) => p.trained).map((p) => p.text)).toEqual(['Hello friend!<|im_end|>\n', 'See you, take care.<|im_end|>\n']);
    expect(sample.pieces.map((p) => p.text).join('')).toBe(chatTemplate.render(chat.messages));
    expect(sample).toMatchObject({
      record: 0,
      tokens: example.inputIds.length,
      trainedTokens: example.labels.filter((l) => l !== IGNORE_INDEX).length,
      truncated: false,
    });
    // Raw text trains everything but its first token.
    const raw = await parse('the cat sat', 'c.txt');
    const text = buildDatasetReport(raw, { tokenizer }).samples[0]!;
    expect(text.pieces.map((p) => p.trained)).toEqual([false, true]);
    expect(text.pieces[1]!.text).toBe(tokenizer.decode(tokenizeRecord(raw.records[0]!, { tokenizer }).inputIds.slice(1)));
  });

  it('token statistics, truncation and the histogram', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => ({ text: `story ${'the dog ran '.repeat(i)}end` }));
    const parsed = await parse(jsonl(texts), 't.jsonl');
    const seqLen = 40;
    const report = buildDatasetReport(parsed, { tokenizer, seqLen, samples: 30 });
    const examples = parsed.records.map((r) => tokenizeRecord(r!, { tokenizer }));
    const lengths = examples.map((e) => e.inputIds.length).sort((a, b) => a - b);
    const stats = report.tokens!;
    expect(stats).toMatchObject({ seqLen, min: lengths[0], max: lengths.at(-1), p50: lengths[14], p90: lengths[26], p99: lengths[29] });
    expect(stats.mean).toBeCloseTo(lengths.reduce((s, n) => s + n, 0) / 30);
    expect(stats.totalTokens).toBe(lengths.reduce((s, n) => s + n, 0));
    // Tokens that train: all but each record's first, within the sequence length (training truncates).
    expect(stats.trainedTokens).toBe(lengths.reduce((s, n) => s + Math.min(n, seqLen) - 1, 0));
    expect(stats.overSeqLen).toBe(lengths.filter((n) => n > seqLen).length);
    expect(stats.histogram.length).toBeGreaterThanOrEqual(15);
    expect(stats.histogram.length).toBeLessThanOrEqual(20);
    expect(stats.histogram.reduce((s, b) => s + b.count, 0)).toBe(30);
    stats.histogram.forEach((b, k) => {
      expect(b.start).toBe(k === 0 ? 0 : stats.histogram[k - 1]!.end);
      expect(b.count).toBe(lengths.filter((n) => n >= b.start && n < b.end).length);
    });
    const long = report.samples.find((s) => s.truncated)!;
    expect(long.tokens).toBeGreaterThan(seqLen);
    expect(long.pieces.map((p) => p.text).join('')).toBe(tokenizer.decode(examples[long.record]!.inputIds.slice(0, seqLen)));
  });

  it('warns of records with nothing to train, and reports records the template refuses', async () => {
    const longPrompt = {
      messages: [
        { role: 'user', content: 'x '.repeat(60) },
        { role: 'assistant', content: 'yes' },
      ],
    };
    const toolChat = {
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'call' },
        { role: 'tool', content: 'result' },
        { role: 'assistant', content: 'done' },
      ],
    };
    const parsed = await parse(jsonl([longPrompt, toolChat]), 'w.jsonl');
    const report = buildDatasetReport(parsed, { tokenizer, chatTemplate, seqLen: 32 });
    expect(report.problems.map((p) => [p.location, p.kind, p.severity])).toEqual([['line 1', 'no-trained-tokens', 'warning']]);
    expect(report.problems[0]!.message).toMatch(/past the sequence length of 32 tokens/);
    // The ChatML template renders the tool turn; its result does not train, both assistant turns do.
    const wide = buildDatasetReport(parsed, { tokenizer, chatTemplate, seqLen: 512 });
    expect(wide.problems).toEqual([]);
    expect(wide.samples[1]!.pieces.filter((p) => p.trained).map((p) => p.text)).toEqual(['call<|im_end|>\n', 'done<|im_end|>\n']);
    expect(wide.samples[1]!.pieces.map((p) => p.text).join('')).toContain('<|im_start|>tool\nresult<|im_end|>');

    const strict = new ChatTemplate(
      "{% for m in messages %}{% if m['role'] == 'tool' %}{{ raise_exception('No tool role here') }}{% endif %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}",
      tokenizer.specialTokens,
    );
    const refused = buildDatasetReport(parsed, { tokenizer, chatTemplate: strict, seqLen: 512 });
    expect(refused.valid).toBe(1);
    expect(refused.problems.map((p) => [p.location, p.kind, p.severity])).toEqual([['line 2', 'role-order', 'error']]);
    expect(refused.problems[0]!.message).toMatch(/No tool role here/);

    const noTemplate = buildDatasetReport(parsed, { tokenizer, chatTemplate: null });
    expect(noTemplate.valid).toBe(0);
    expect(noTemplate.problems.every((p) => p.kind === 'no-trained-tokens' && p.severity === 'error')).toBe(true);
    expect(noTemplate.tokens).toMatchObject({ min: 0, max: 0, totalTokens: 0, histogram: [] });
  });

  const alpacaFile = `${sharedData}datasets/alpaca_en_demo/alpaca_en_demo.json`;
  const present = fs.existsSync(alpacaFile);
  it.skipIf(!present)(`the real alpaca demo through the tiny tokenizer${present ? '' : ' (skipped: ../shared/data is absent)'}`, async () => {
    const parsed = await parseDatasetBytes(fs.readFileSync(alpacaFile), alpacaFile);
    const report = buildDatasetReport(parsed, { tokenizer, chatTemplate, seqLen: 1024 });
    expect(report).toMatchObject({ records: 999, valid: 999, errorCount: 0, format: 'alpaca', fileType: 'json' });
    expect(report.tokens!.trainedTokens).toBeLessThan(report.tokens!.totalTokens);
    expect(report.samples.length).toBe(3);
    const first = parsed.records[0]!;
    const answer = first.kind === 'chat' ? first.messages.at(-1)!.content : '';
    expect(
      report.samples[0]!.pieces.filter((p) => p.trained)
        .map((p) => p.text)
        .join(''),
    ).toBe(`${answer}<|im_end|>\n`);
  });
});
