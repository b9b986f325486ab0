import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatTemplate } from '../src/io/chat-template.js';
import { loadModelFolder } from '../src/io/model-folder.js';
import { Tokenizer } from '../src/io/tokenizer.js';
import type { EngineError } from '../src/errors.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { parseTrainingRecords, readTrainingFile, type TrainingRecord } from '../src/train/data.js';
import { Batcher, collate, epochOrder, padTokenIdOf } from '../src/train/collate.js';
import { blockCausalMask, packExamples, prepareTrainingData } from '../src/train/pack.js';
import { IGNORE_INDEX } from '../src/train/labels.js';
import { tokenizeRecord } from '../src/train/tokenize.js';
import { hasStories260K, sharedData, skipWithoutShared, stories260K } from './shared-data.js';
import { twoExchangeChat } from './chat-fixture.js';
import { errorOf, rejection } from './helpers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-train-data-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function tiny(arch: 'llama' | 'qwen2') {
  const folder = loadModelFolder(makeTinyModel({ arch, outDir: path.join(root, arch) }).dir);
  folder.weights.close();
  return { folder, tokenizer: folder.tokenizer, chatTemplate: new ChatTemplate(folder.chatTemplate!, folder.tokenizer.specialTokens) };
}
const models = { llama: tiny('llama'), qwen2: tiny('qwen2') };

const chat: TrainingRecord = twoExchangeChat;

describe('reading records', () => {
  it('detects text, messages and alpaca layouts (JSONL and JSON arrays)', () => {
    expect(parseTrainingRecords('{"text":"a b"}\n\n{"text":"c"}\n', 'f.jsonl')).toEqual({
      format: 'text',
      records: [
        { kind: 'text', text: 'a b' },
        { kind: 'text', text: 'c' },
      ],
    });
    const messages = parseTrainingRecords('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}', 'm.jsonl');
    expect(messages.records).toEqual([
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
    ]);
    const alpaca = parseTrainingRecords(
      '[{"instruction":"Add","input":"1 2","output":"3","system":"S"},{"instruction":"Hi","input":"","output":"Hey"}]',
      'a.json',
    );
    expect(alpaca.format).toBe('alpaca');
    expect(alpaca.records).toEqual([
      {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'S' },
          { role: 'user', content: 'Add\n\n1 2' },
          { role: 'assistant', content: '3' },
        ],
      },
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hey' },
        ],
      },
    ]);
  });

  it('names the file and line of a bad record', () => {
    const cases: [string, RegExp][] = [
      ['{"text":"ok"}\n{"text": oops}', /^f\.jsonl:2: invalid JSON/],
      ['{"text":"ok"}\n\n{"text":""}', /^f\.jsonl:3: "text" is empty/],
      ['{"text":"ok"}\n{"text":5}', /^f\.jsonl:2: "text" must be a string/],
      ['{"text":"ok"}\n{"instruction":"x","output":"y"}', /^f\.jsonl:2: .*"alpaca" layout/],
      ['{"messages":[{"role":"bot","content":"x"}]}', /^f\.jsonl:1, message 0: role "bot"/],
      [
        '{"messages":[{"role":"user","content":["x"]}]}',
        /^f\.jsonl:1, message 0: "content" must be a string or a list of text parts, not a list holding a string/,
      ],
      ['{"messages":[{"role":"user","content":"x"}]}', /^f\.jsonl:1: the chat has no assistant message/],
      ['{"instruction":"x","input":""}', /^f\.jsonl:1: the record has no "output" field/],
      ['{"prompt":"x"}', /^f\.jsonl:1: unknown record layout/],
    ];
    for (const [content, pattern] of cases) {
      const error = errorOf(() => parseTrainingRecords(content, 'f.jsonl'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(pattern);
    }
    expect(errorOf(() => parseTrainingRecords('[{"text":"a"},{"text":null}]', 'g.json')).message).toMatch(/^g\.json: record 2: "text" must be a string/);
  });

  it('reads a Parquet training file, as the app does', async () => {
    const file = path.join(root, 'pairs.parquet');
    const columnData = [
      { name: 'prompt', data: ['Say hi.', 'Say bye.'], type: 'STRING' as const },
      { name: 'completion', data: ['Hi!', 'Bye!'], type: 'STRING' as const },
    ];
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData })));
    const { format, records } = await readTrainingFile(file);
    expect(format).toBe('prompt-completion');
    expect(records).toHaveLength(2);
    expect(JSON.stringify(records[1])).toContain('Bye!');
  });

  it('refuses an empty dataset', async () => {
    const file = path.join(root, 'empty.jsonl');
    fs.writeFileSync(file, '\n  \n');
    const error = (await rejection(readTrainingFile(file))) as EngineError;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('empty');
    expect(errorOf(() => parseTrainingRecords('[]', 'e.json')).message).toContain('empty');
    expect(errorOf(() => prepareTrainingData([], { ...models.llama, seqLen: 16, maxPositionEmbeddings: 1024 })).message).toContain('empty');
  });
});

describe('tokenizing and masking', () => {
  for (const arch of ['llama', 'qwen2'] as const) {
    it(`${arch}: trains exactly the assistant spans, token by token`, () => {
      const { tokenizer, chatTemplate } = models[arch];
      const { text, spans } = chatTemplate.renderWithSpans(chat.kind === 'chat' ? chat.messages.map((m) => ({ ...m })) : []);
      const example = tokenizeRecord(chat, { tokenizer, chatTemplate });
      expect(example.method).toBe('pieces');
      expect(example.inputIds).toEqual(tokenizer.encode(text, { addSpecialTokens: false }));
      // Expected mask built independently: token t trains iff the decoded prefix through t ends inside a span.
      const imEnd = tokenizer.tokenToId('<|im_end|>')!;
      let trainedText = '';
      let sawImEnd = 0;
      for (let t = 0; t < example.inputIds.length; t++) {
        const end = tokenizer.decode(example.inputIds.slice(0, t + 1)).length;
        const start = tokenizer.decode(example.inputIds.slice(0, t)).length;
        const inside = spans.some((s) => start >= s.start && end <= s.end);
        expect(example.labels[t]).toBe(inside ? example.inputIds[t] : IGNORE_INDEX);
        if (inside) {
          trainedText += tokenizer.decode([example.inputIds[t]!]);
          if (example.inputIds[t] === imEnd) sawImEnd++;
        }
      }
      expect(sawImEnd).toBe(2);
      expect(trainedText).toBe(spans.map((s) => text.slice(s.start, s.end)).join(''));
      expect(trainedText).toBe('Hello friend!<|im_end|>\nSee you, take care.<|im_end|>\n');
      const all = tokenizeRecord(chat, { tokenizer, chatTemplate, trainOn: 'all' });
      expect(all.labels).toEqual(all.inputIds.map((id, t) => (t === 0 ? IGNORE_INDEX : id)));
    });
  }

  it('raw text: BOS per tokenizer, EOS appended, all but the first label train', () => {
    const llama = tokenizeRecord({ kind: 'text', text: 'the cat' }, { tokenizer: models.llama.tokenizer });
    expect(llama.inputIds).toEqual([
      models.llama.tokenizer.bosTokenId,
      ...models.llama.tokenizer.encode('the cat', { addSpecialTokens: false }),
      models.llama.tokenizer.eosTokenIds[0],
    ]);
    expect(llama.labels).toEqual([IGNORE_INDEX, ...llama.inputIds.slice(1)]);
    const qwen = tokenizeRecord({ kind: 'text', text: 'the cat' }, { tokenizer: models.qwen2.tokenizer });
    expect(qwen.inputIds).toEqual([...models.qwen2.tokenizer.encode('the cat', { addSpecialTokens: false }), models.qwen2.tokenizer.eosTokenIds[0]]);
  });

  it.skipIf(!hasStories260K)(`SentencePiece-style tokenizer falls back to prefix mapping${skipWithoutShared}`, () => {
    const tokenizer = Tokenizer.fromFolder(stories260K);
    const chatTemplate = new ChatTemplate(
      "{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}",
      tokenizer.specialTokens,
    );
    const record: TrainingRecord = {
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Once upon a time' },
        { role: 'assistant', content: 'there was a dog.' },
      ],
    };
    const example = tokenizeRecord(record, { tokenizer, chatTemplate });
    expect(example.method).toBe('prefix');
    const trained = example.inputIds.filter((_, t) => example.labels[t] !== IGNORE_INDEX);
    const masked = example.inputIds.filter((_, t) => example.labels[t] === IGNORE_INDEX);
    expect(tokenizer.decode(trained).trim()).toBe('there was a dog.');
    expect(tokenizer.decode(masked)).not.toContain('dog');
    // Trained tokens are one contiguous run at the end of the assistant line.
    const first = example.labels.findIndex((l) => l !== IGNORE_INDEX);
    expect(example.labels.slice(first, first + trained.length)).toEqual(trained);
  });
});

describe('truncation, packing and masks', () => {
  const { tokenizer, chatTemplate } = models.llama;
  const texts: TrainingRecord[] = ['a cat', 'the dog ran far away', 'hi', 'a long story about the sea and a boat'].map((text) => ({ kind: 'text', text }));

  it('refuses seqLen over the model limit before any work', () => {
    const error = errorOf(() => prepareTrainingData(texts, { tokenizer, seqLen: 2048, maxPositionEmbeddings: 1024 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/2048 is over this model's limit of 1024/);
    expect(errorOf(() => prepareTrainingData([chat], { tokenizer, seqLen: 64, maxPositionEmbeddings: 1024 })).code).toBe('CHAT_TEMPLATE_MISSING');
  });

  it('truncates keeping the start and drops examples left with nothing to train', () => {
    const prompt = { role: 'user' as const, content: 'x '.repeat(40) };
    const longPrompt: TrainingRecord = { kind: 'chat', messages: [prompt, { role: 'assistant', content: 'yes' }] };
    const { rows, report } = prepareTrainingData([...texts, longPrompt], { tokenizer, chatTemplate, seqLen: 8, maxPositionEmbeddings: 1024 });
    const lengths = [...texts, longPrompt].map((r) => tokenizeRecord(r, { tokenizer, chatTemplate }).inputIds.length);
    expect(report.examples).toBe(5);
    expect(report.dropped).toBe(1);
    expect(report.kept).toBe(4);
    expect(report.truncated).toBe(lengths.filter((n) => n > 8).length);
    expect(report.lengths.max).toBe(Math.max(...lengths));
    expect(report.tokens).toBe(rows.reduce((s, r) => s + r.inputIds.length, 0));
    expect(report.trainedTokens).toBe(rows.reduce((s, r) => s + r.labels.filter((l) => l !== IGNORE_INDEX).length, 0));
    const full = tokenizeRecord(texts[3]!, { tokenizer });
    expect(rows[3]!.inputIds).toEqual(full.inputIds.slice(0, 8));
  });

  it('packs greedily with restarting positions and no attention across examples', () => {
    const examples = texts.map((r) => tokenizeRecord(r, { tokenizer }));
    const seqLen = 16;
    const rows = packExamples(
      examples.map((e) => ({ inputIds: e.inputIds.slice(0, seqLen), labels: e.labels.slice(0, seqLen) })),
      seqLen,
    );
    expect(rows.length).toBeLessThan(examples.length);
    expect(rows.flatMap((r) => r.inputIds)).toEqual(examples.flatMap((e) => e.inputIds.slice(0, seqLen)));
    for (const row of rows) {
      expect(row.inputIds.length).toBeLessThanOrEqual(seqLen);
      const T = row.segmentIds.length;
      const mask = blockCausalMask(row.segmentIds);
      for (let q = 0; q < T; q++) {
        if (q === 0 || row.segmentIds[q] !== row.segmentIds[q - 1]) {
          expect(row.positionIds[q]).toBe(0);
          expect(row.labels[q]).toBe(IGNORE_INDEX);
        } else expect(row.positionIds[q]).toBe(row.positionIds[q - 1]! + 1);
        for (let k = 0; k < T; k++) expect(mask[q * T + k]).toBe(k <= q && row.segmentIds[k] === row.segmentIds[q] ? 1 : 0);
      }
    }
    expect(Array.from(blockCausalMask([0, 0, 1, -1]))).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });
});

describe('batching', () => {
  const { tokenizer } = models.llama;
  const rows = prepareTrainingData(
    Array.from({ length: 7 }, (_, i): TrainingRecord => ({ kind: 'text', text: `story ${'ab '.repeat(i)}` })),
    { tokenizer, seqLen: 32, maxPositionEmbeddings: 1024 },
  ).rows;
  const options = { batchSize: 3, seqLen: 32, padTokenId: padTokenIdOf(tokenizer), seed: 42 };

  it('pads to [B, T] with -100 labels and a zero attention mask', () => {
    const batch = collate([rows[0]!], options);
    const n = rows[0]!.inputIds.length;
    expect(batch.inputIds.length).toBe(3 * 32);
    expect(Array.from(batch.inputIds.slice(0, n))).toEqual(rows[0]!.inputIds);
    expect(Array.from(batch.inputIds.slice(n))).toEqual(new Array(96 - n).fill(tokenizer.padTokenId));
    expect(Array.from(batch.labels.slice(n)).every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(Array.from(batch.attentionMask)).toEqual([...new Array(n).fill(1), ...new Array(96 - n).fill(0)]);
  });

  it('shuffles deterministically and resumes exactly from a saved cursor', () => {
    expect(epochOrder(7, 42, 0)).toEqual(epochOrder(7, 42, 0));
    expect(epochOrder(7, 42, 0)).not.toEqual(epochOrder(7, 42, 1));
    expect([...epochOrder(7, 42, 3)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const a = new Batcher(rows, options);
    const first = [a.next(), a.next(), a.next()];
    const seen = first.flatMap((b) => b.rowIndices);
    expect(seen.slice(0, 7).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const saved = JSON.parse(JSON.stringify(a.cursor));
    const rest = [a.next(), a.next(), a.next()];
    const b = new Batcher(rows, options, saved);
    for (const expected of rest) {
      const got = b.next();
      expect(got.rowIndices).toEqual(expected.rowIndices);
      expect(got.inputIds).toEqual(expected.inputIds);
      expect(got.epoch).toBe(expected.epoch);
    }
    expect(errorOf(() => new Batcher(rows, options, { epoch: 0, position: 99 })).code).toBe('INVALID_ARGUMENT');
  });
});

const alpacaFile = `${sharedData}datasets/alpaca_en_demo/alpaca_en_demo.json`;
it.skipIf(!fs.existsSync(alpacaFile))(
  `smoke: 50 real alpaca records through the tiny llama tokenizer${fs.existsSync(alpacaFile) ? '' : ' (skipped: ../shared/data is absent)'}`,
  async () => {
    const { format, records } = await readTrainingFile(alpacaFile);
    expect(format).toBe('alpaca');
    const { tokenizer, chatTemplate } = models.llama;
    const sample = records.slice(0, 50);
    const { rows, report } = prepareTrainingData(sample, { tokenizer, chatTemplate, seqLen: 512, maxPositionEmbeddings: 1024, packing: true });
    expect(report.examples).toBe(50);
    expect(report.kept + report.dropped).toBe(50);
    expect(report.trainedTokens).toBeGreaterThan(0);
    expect(report.trainedTokens).toBeLessThan(report.tokens);
    expect(report.lengths.p50).toBeLessThanOrEqual(report.lengths.p90);
    expect(report.lengths.p99).toBeLessThanOrEqual(report.lengths.max);
    expect(rows.every((r) => r.inputIds.length <= 512)).toBe(true);
    // The first record's answer is what trains in it.
    const first = tokenizeRecord(sample[0]!, { tokenizer, chatTemplate });
    const trained = tokenizer.decode(first.inputIds.filter((_, t) => first.labels[t] !== IGNORE_INDEX));
    expect(trained).toBe(`${(sample[0] as Extract<TrainingRecord, { kind: 'chat' }>).messages.at(-1)!.content}<|im_end|>\n`);
  },
);
