import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { DatasetFormat, DatasetRecord } from '@qlora-studio/contracts';
import { parquetWriteBuffer } from 'hyparquet-writer';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColumnAt } from '../src/data/json-position.js';
import { parseDatasetBytes, readDatasetFile, type ReadDatasetOptions } from '../src/data/parse.js';
import { buildDatasetReport } from '../src/data/report.js';
import { EngineError } from '../src/errors.js';
import { rejection } from './helpers.js';
import { sharedData } from './shared-data.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-data-formats-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (text: string | Uint8Array, name: string, options: ReadDatasetOptions = {}) =>
  parseDatasetBytes(typeof text === 'string' ? utf8(text) : text, name, options);

/** The message of the INVALID_ARGUMENT error a whole-file problem throws. */
async function fileErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('INVALID_ARGUMENT');
  return error.message;
}

// ---- every layout in every file type ----------------------------------------------------------

const layouts: Record<DatasetFormat, { source: Record<string, unknown>[]; expected: DatasetRecord[] }> = {
  alpaca: {
    source: [
      { instruction: 'Add', input: '1 2', output: '3', system: 'S' },
      { instruction: 'Hi', input: '', output: 'Hey', system: '' },
    ],
    expected: [
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
    ],
  },
  sharegpt: {
    source: [
      {
        conversations: [
          { from: 'human', value: 'Weather in Paris?' },
          { from: 'function_call', value: '{"name":"weather","arguments":{"city":"Paris"}}' },
          { from: 'observation', value: '{"temp":21}' },
          { from: 'gpt', value: 'It is 21 degrees.' },
        ],
        tools: '[{"name":"weather"}]',
      },
      {
        conversations: [
          { from: 'system', value: 'Be kind.' },
          { from: 'human', value: 'hi' },
          { from: 'gpt', value: 'hello' },
        ],
        tools: '[]',
      },
    ],
    expected: [
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: '{"name":"weather","arguments":{"city":"Paris"}}' },
          { role: 'tool', content: '{"temp":21}' },
          { role: 'assistant', content: 'It is 21 degrees.' },
        ],
        tools: '[{"name":"weather"}]',
      },
      {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
        tools: '[]',
      },
    ],
  },
  messages: {
    source: [
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
      {
        messages: [
          { role: 'system', content: '' },
          { role: 'user', content: 'u' },
          { role: 'assistant', content: 'call' },
          { role: 'tool', content: 'result' },
          { role: 'assistant', content: 'done' },
        ],
      },
    ],
    expected: [
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
      {
        kind: 'chat',
        messages: [
          { role: 'system', content: '' },
          { role: 'user', content: 'u' },
          { role: 'assistant', content: 'call' },
          { role: 'tool', content: 'result' },
          { role: 'assistant', content: 'done' },
        ],
      },
    ],
  },
  'prompt-completion': {
    source: [
      { prompt: 'Capital of France?', completion: 'Paris' },
      { prompt: '2+2', completion: '4, "of course"' },
    ],
    expected: [
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'Capital of France?' },
          { role: 'assistant', content: 'Paris' },
        ],
      },
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: '2+2' },
          { role: 'assistant', content: '4, "of course"' },
        ],
      },
    ],
  },
  text: {
    source: [{ text: 'hello, world' }, { text: 'a second\nline' }],
    expected: [
      { kind: 'text', text: 'hello, world' },
      { kind: 'text', text: 'a second\nline' },
    ],
  },
};

/** Cells of tabular files: lists as JSON text, as exported from pandas or a spreadsheet. */
const cell = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function tabular(rows: Record<string, unknown>[]): { fields: string[]; cells: string[][] } {
  const fields = Object.keys(rows[0]!);
  return { fields, cells: rows.map((r) => fields.map((f) => cell(r[f]))) };
}

const encoders: Record<'json' | 'jsonl' | 'csv' | 'tsv' | 'parquet', (rows: Record<string, unknown>[]) => Uint8Array> = {
  json: (rows) => utf8(JSON.stringify(rows, null, 2)),
  jsonl: (rows) => utf8(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'),
  csv: (rows) => utf8(Papa.unparse({ ...tabular(rows), data: tabular(rows).cells })),
  tsv: (rows) => utf8(Papa.unparse({ ...tabular(rows), data: tabular(rows).cells }, { delimiter: '\t' })),
  parquet: (rows) => {
    const { fields, cells } = tabular(rows);
    return new Uint8Array(parquetWriteBuffer({ columnData: fields.map((name, k) => ({ name, data: cells.map((c) => c[k]!), type: 'STRING' as const })) }));
  },
};

describe('every layout in every file type', () => {
  for (const [format, { source, expected }] of Object.entries(layouts)) {
    for (const [fileType, encode] of Object.entries(encoders)) {
      it(`${format} in ${fileType}`, async () => {
        const file = path.join(root, `${format}.${fileType}`);
        fs.writeFileSync(file, encode(source));
        const parsed = await readDatasetFile(file);
        expect(parsed.fileType).toBe(fileType);
        expect(parsed.format).toBe(format);
        expect(parsed.problems).toEqual([]);
        expect(parsed.records).toEqual(expected);
        expect(parsed.columns).toEqual(Object.keys(source[0]!));
        expect(parsed.locations[1]).toBe(`${{ json: 'record', jsonl: 'line', csv: 'row', tsv: 'row', parquet: 'row' }[fileType]} 2`);
      });
    }
  }

  it('parquet list columns (not JSON text) are read as they are', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        {
          name: 'conversations',
          data: [
            [
              { from: 'human', value: 'q' },
              { from: 'gpt', value: 'a' },
            ],
          ],
        },
      ],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'conversations', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'from', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    const parsed = await parse(new Uint8Array(bytes), 'nested.parquet');
    expect(parsed.records).toEqual([
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
    ]);
  });
});

describe('plain text, detection, mapping and overrides', () => {
  it('splits text on blank lines, or on a separator, dropping empty fragments', async () => {
    const blank = await parse('First story.\nStill first.\n\nSecond.\n  \n\n\nThird.\n\n', 'stories.txt');
    expect(blank.records).toEqual([
      { kind: 'text', text: 'First story.\nStill first.' },
      { kind: 'text', text: 'Second.' },
      { kind: 'text', text: 'Third.' },
    ]);
    expect(blank.locations).toEqual(['document 1', 'document 2', 'document 3']);
    expect(blank.format).toBe('text');
    const separated = await parse('One.\n\nStill one.\n<|endoftext|>\nTwo.\n<|endoftext|>\n\n<|endoftext|>\n', 's.txt', { separator: '<|endoftext|>' });
    expect(separated.records).toEqual([
      { kind: 'text', text: 'One.\n\nStill one.' },
      { kind: 'text', text: 'Two.' },
    ]);
  });

  it('maps source columns to layout fields', async () => {
    const csv = await parse('question,answer\nWhy?,Because.\n', 'qa.csv', { columns: { prompt: 'question', completion: 'answer' } });
    expect(csv.format).toBe('prompt-completion');
    expect(csv.records).toEqual([
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'Why?' },
          { role: 'assistant', content: 'Because.' },
        ],
      },
    ]);
    const json = await parse('[{"task":"Sum","data":"1 2","answer":"3"}]', 'a.json', {
      format: 'alpaca',
      columns: { instruction: 'task', input: 'data', output: 'answer' },
    });
    expect(json.records).toEqual([
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'Sum\n\n1 2' },
          { role: 'assistant', content: '3' },
        ],
      },
    ]);
    const missing = await parse('[{"task":"Sum"}]', 'b.json', { format: 'alpaca', columns: { instruction: 'task', output: 'answer' } });
    expect(missing.problems).toMatchObject([{ kind: 'missing-field', field: 'answer', location: 'record 1', message: 'the record has no "answer" field.' }]);
  });

  it('overrides the detected layout and file type', async () => {
    const content = '{"prompt":"p","completion":"c","text":"raw"}\n';
    expect((await parse(content, 'x.jsonl')).format).toBe('prompt-completion');
    const asText = await parse(content, 'x.jsonl', { format: 'text' });
    expect(asText.records).toEqual([{ kind: 'text', text: 'raw' }]);
    const asCsv = await parse('text\nhello\n', 'export.dat', { fileType: 'csv' });
    expect(asCsv.fileType).toBe('csv');
    expect(asCsv.records).toEqual([{ kind: 'text', text: 'hello' }]);
    await expect(fileErrorOf(parse('a\n\nb', 'x.txt', { format: 'alpaca' }))).resolves.toMatch(/plain text file holds raw text/);
  });

  it('detects the type from the contents when the name does not say', async () => {
    expect((await parse('[{"text":"a"}]', 'data')).fileType).toBe('json');
    expect((await parse('{"text":"a"}\n{"text":"b"}', 'data')).fileType).toBe('jsonl');
    expect((await parse('{"text":"a"}\n{"text":"b"}', 'lines.json')).fileType).toBe('jsonl');
    expect((await parse('text\tlabel\nhi\tx\n', 'data')).fileType).toBe('tsv');
    expect((await parse('just prose', 'data')).fileType).toBe('txt');
  });
});

describe('whole-file errors', () => {
  it('refuses empty, oversized, binary and archived files', async () => {
    await expect(fileErrorOf(parse(new Uint8Array(0), 'e.jsonl'))).resolves.toBe('e.jsonl: the file is empty.');
    await expect(fileErrorOf(parse('\n  \n', 'w.jsonl'))).resolves.toMatch(/^w\.jsonl: holds no records: the dataset is empty/);
    await expect(fileErrorOf(parse('[]', 'w.json'))).resolves.toMatch(/holds no records/);
    const big = path.join(root, 'big.jsonl');
    fs.writeFileSync(big, '{"text":"0123456789"}\n');
    await expect(fileErrorOf(readDatasetFile(big, { maxBytes: 10 }))).resolves.toBe(`${big}: the file is 22 bytes, over the limit of 10 bytes.`);
    await expect(fileErrorOf(parse('{"text":"0123456789"}', 'b.jsonl', { maxBytes: 5 }))).resolves.toMatch(/21 bytes, over the limit of 5 bytes/);
    await expect(fileErrorOf(readDatasetFile(path.join(root, 'absent.json')))).resolves.toMatch(/absent\.json: cannot be read: ENOENT/);
    await expect(fileErrorOf(parse(new Uint8Array([0x7b, 0x00, 0x7d]), 'bin.jsonl'))).resolves.toMatch(/bin\.jsonl: holds binary content \(NUL bytes\)/);
    await expect(fileErrorOf(parse(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]), 'data.json'))).resolves.toBe(
      'data.json: is a zip archive; extract it and upload the JSON/CSV/Parquet/text file inside.',
    );
    await expect(fileErrorOf(parse(zlib.gzipSync('{"text":"a"}'), 'data.jsonl.gz'))).resolves.toMatch(/data\.jsonl\.gz: is a gzip archive; decompress it/);
    await expect(fileErrorOf(parse(utf8('PAR1 not really parquet PAR1'), 'broken.parquet'))).resolves.toMatch(/broken\.parquet: cannot be read as Parquet/);
  });

  it('locates invalid UTF-8 by byte offset and line', async () => {
    const bytes = new Uint8Array([...utf8('{"text":"ok é"}\n{"text":"x'), 0xc3, 0x28, ...utf8('"}\n')]);
    const offset = utf8('{"text":"ok é"}\n{"text":"x').length;
    await expect(fileErrorOf(parse(bytes, 'latin1.jsonl'))).resolves.toBe(
      `latin1.jsonl: is not valid UTF-8: the first invalid byte is at byte offset ${offset} (line 2); save the file as UTF-8.`,
    );
    // Overlong encodings and surrogates are invalid too, as TextDecoder says.
    await expect(fileErrorOf(parse(new Uint8Array([0x61, 0xc0, 0xaf]), 'a.txt'))).resolves.toMatch(/byte offset 1 \(line 1\)/);
    await expect(fileErrorOf(parse(new Uint8Array([0x0a, 0x61, 0xed, 0xa0, 0x80]), 'a.txt'))).resolves.toMatch(/byte offset 2 \(line 2\)/);
  });

  it('locates a JSON syntax error by line and column, also in one huge line', async () => {
    const records = Array.from({ length: 4000 }, (_, i) => ({ instruction: `task ${i}`, output: `answer ${i}` }));
    const minified = JSON.stringify(records);
    // V8 gives "at position N" for a missing comma, and no position for an unexpected token.
    for (const [bad, replacement] of [
      ['},{', '}{'],
      ['},{', '},x{'],
    ] as const) {
      const at = minified.indexOf(bad, 150_000) + (replacement === '}{' ? 1 : 2);
      const broken = minified.replace(new RegExp(`^([\\s\\S]{${minified.indexOf(bad, 150_000)}})${bad}`), `$1${replacement}`);
      const message = await fileErrorOf(parse(broken, 'minified.json'));
      expect(message).toMatch(new RegExp(`^minified\\.json: invalid JSON at line 1, column ${at + 1}: `));
    }
    await expect(fileErrorOf(parse('[\n  {"text": "a"},\n  {"text": x}\n]', 'p.json'))).resolves.toMatch(
      /^p\.json: invalid JSON at line 3, column 12: Unexpected token 'x'/,
    );
    await expect(fileErrorOf(parse('[\n  {"text": "a"},\n', 'cut.json'))).resolves.toMatch(
      /^cut\.json: invalid JSON at line 3, column 1: Unexpected end of JSON input/,
    );
    await expect(fileErrorOf(parse('{\n  "text": "one object"\n}', 'one.json'))).resolves.toMatch(/one\.json: holds one JSON object, not an array of records/);
    expect(jsonErrorOffset('[1, 2, {"a": [true, null, "x\\u00e9"]}]')).toBe(-1);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(lineColumnAt('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
  });
});

describe('per-record problems, with their locations', () => {
  it('JSON lines: invalid JSON, empty and mistyped fields, role order, a stray layout', async () => {
    const lines = [
      '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}',
      '{"messages": [oops]}',
      '',
      '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"  "}]}',
      '{"messages":[{"role":"user","content":"q"}]}',
      '{"messages":[{"role":"user","content":"q"},{"role":"user","content":"q2"},{"role":"assistant","content":"a"}]}',
      '{"messages":[{"role":"user","content":"q"},{"role":"tool","content":"r"},{"role":"assistant","content":"a"}]}',
      '{"messages":[{"role":"bot","content":"q"},{"role":"assistant","content":5}]}',
      '{"text":"plain"}',
      '{"messages":"not a list"}',
    ];
    const parsed = await parse(lines.join('\r\n'), 'chats.jsonl');
    expect(parsed.records.length).toBe(9);
    expect(parsed.records.map((r) => r !== null)).toEqual([true, false, false, false, true, false, false, false, false]);
    const brief = parsed.problems.map((p) => [p.record, p.location, p.kind, p.severity, p.field ?? null]);
    expect(brief).toEqual([
      [1, 'line 2', 'invalid-json', 'error', null],
      [2, 'line 4', 'empty-field', 'error', 'messages[1].content'],
      [3, 'line 5', 'role-order', 'error', 'messages'],
      [4, 'line 6', 'role-order', 'warning', 'messages[1].role'],
      [5, 'line 7', 'role-order', 'error', 'messages[1].role'],
      [6, 'line 8', 'wrong-type', 'error', 'messages[0].role'],
      [6, 'line 8', 'wrong-type', 'error', 'messages[1].content'],
      [7, 'line 9', 'unknown-layout', 'error', null],
      [8, 'line 10', 'invalid-json', 'error', 'messages'],
    ]);
    expect(parsed.problems[0]!.message).toMatch(/^invalid JSON: Unexpected token/);
    expect(parsed.problems[4]!.message).toBe('a tool message must follow the assistant message that called the tool.');
    expect(parsed.problems[5]!.message).toMatch(/^role "bot" is not supported; use "system", "user", "assistant", "tool"/);
    expect(parsed.problems[6]!.message).toBe('"content" must be a string or a list of text parts, not a number.');
    expect(parsed.problems[7]!.message).toBe('the record uses the "text" layout, not the file\'s "messages" layout; use one layout per file.');
  });

  it('OpenAI messages: text parts are joined; image parts and tool_calls are explained', async () => {
    const lines = [
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hello, ' },
              { type: 'text', text: 'there.' },
            ],
          },
          { role: 'assistant', content: 'Hi!' },
        ],
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x.png' } }] },
          { role: 'assistant', content: 'A cat.' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', content: '{"temp":21}' },
          { role: 'assistant', content: 'It is 21 °C.' },
        ],
      },
    ];
    const parsed = await parse(lines.map((l) => JSON.stringify(l)).join('\n'), 'openai.jsonl');
    expect(parsed.records[0]).toEqual({
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Hello, there.' },
        { role: 'assistant', content: 'Hi!' },
      ],
    });
    expect(parsed.problems.map((p) => [p.location, p.field, p.message])).toEqual([
      [
        'line 2',
        'messages[0].content',
        '"content" must be a string or a list of text parts, not a list holding a part of type "image_url" (only text parts can be trained on).',
      ],
      [
        'line 3',
        'messages[1].tool_calls',
        'a message whose call is in "tool_calls" is not supported yet: write the call as text in "content" (its JSON, as ShareGPT function_call turns do), or leave the record out.',
      ],
    ]);
  });

  it('JSON arrays, CSV and ShareGPT: records, rows and turns', async () => {
    const json = await parse('[{"text":"a"}, 42, {"text":null}]', 'a.json');
    expect(json.problems.map((p) => [p.location, p.kind, p.message])).toEqual([
      ['record 2', 'wrong-type', 'a record must be an object, not a number.'],
      ['record 3', 'wrong-type', '"text" must be a string, not null.'],
    ]);
    const csv = await parse('instruction,input,output\nAdd,1 2,3\nSay hi,,\n"Quote ""this""",,ok\n', 'a.csv');
    expect(csv.records[2]).toEqual({
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Quote "this"' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(csv.problems).toEqual([{ kind: 'empty-field', record: 1, location: 'row 2', field: 'output', message: '"output" is empty.', severity: 'error' }]);
    const sharegpt = await parse('[{"conversations":[{"from":"bot","value":"x"},{"from":"gpt"}]}, {"conversations":[]}]', 's.json');
    expect(sharegpt.problems.map((p) => [p.location, p.kind, p.field])).toEqual([
      ['record 1', 'wrong-type', 'conversations[0].from'],
      ['record 1', 'missing-field', 'conversations[1].value'],
      ['record 2', 'empty-field', 'conversations'],
    ]);
  });

  it('ragged CSV rows and malformed quotes, by data row', async () => {
    const parsed = await parse('text,extra\na,b\nc\nd,e,f\ng,h\n"unterminated,x\n', 'r.csv');
    expect(parsed.records.length).toBe(5);
    expect(parsed.problems.map((p) => [p.location, p.kind, p.message])).toEqual([
      ['row 2', 'ragged-row', 'Too few fields: expected 2 fields but parsed 1'],
      ['row 3', 'ragged-row', 'Too many fields: expected 2 fields but parsed 3'],
      ['row 5', 'ragged-row', 'Quoted field unterminated'],
    ]);
    expect(parsed.records[3]).toEqual({ kind: 'text', text: 'g' });
    const tsv = await parse('text\tlabel\nfine\tx\nbroken\n', 'r.tsv');
    expect(tsv.problems.map((p) => [p.location, p.kind])).toEqual([['row 2', 'ragged-row']]);
  });

  it('a first record of no known layout: every record is an unknown-layout error', async () => {
    const parsed = await parse('{"question":"q","reply":"a"}\n{"question":"q2","reply":"b"}\n', 'u.jsonl');
    expect(parsed.format).toBeNull();
    expect(parsed.columns).toEqual(['question', 'reply']);
    expect(parsed.records).toEqual([null, null]);
    expect(parsed.problems.map((p) => p.kind)).toEqual(['unknown-layout', 'unknown-layout']);
    expect(parsed.problems[0]!.message).toMatch(/^unknown record layout; .*\(fields found: question, reply\)/);
  });
});

describe('the real datasets in ../shared/data', () => {
  const datasets = `${sharedData}datasets/`;
  const cases: { file: string; records: number; format: DatasetFormat; options?: ReadDatasetOptions }[] = [
    { file: 'alpaca_en_demo/alpaca_en_demo.json', records: 999, format: 'alpaca' },
    { file: 'sharegpt_glaive_toolcall_en_demo/glaive_toolcall_en_demo.json', records: 300, format: 'sharegpt' },
    { file: 'openai_messages_kto_en_demo/kto_en_demo.json', records: 300, format: 'messages' },
    { file: 'tinystories_sample/cs336_tinystories_sample.txt', records: 5, format: 'text', options: { separator: '<|endoftext|>' } },
    // 2,316 complete stories and the truncated fragment after the last separator.
    { file: 'tinystories_sample/tinystories_sample_2MiB.txt', records: 2317, format: 'text', options: { separator: '<|endoftext|>' } },
  ];
  for (const { file, records, format, options } of cases) {
    const present = fs.existsSync(datasets + file);
    it.skipIf(!present)(`${file}: ${records} ${format} records, no errors${present ? '' : ' (skipped: ../shared/data is absent)'}`, async () => {
      const parsed = await readDatasetFile(datasets + file, options);
      expect(parsed.format).toBe(format);
      expect(parsed.records.length).toBe(records);
      expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(buildDatasetReport(parsed).valid).toBe(records);
      if (format === 'sharegpt') {
        // 147 of the 300 use only human/gpt turns; the others call tools, whose results are tool turns.
        expect(parsed.records.filter((r) => r?.kind === 'chat' && r.messages.some((m) => m.role === 'tool')).length).toBe(153);
        expect(parsed.records.filter((r) => r?.kind === 'chat' && r.tools === '[]').length).toBe(109);
      }
      if (format === 'messages') expect(parsed.columns).toEqual(['messages', 'label']);
      if (file.includes('2MiB'))
        expect((parsed.records[0] as { text: string }).text).toMatch(/^One day, a little girl named Lily found a needle in her room\./);
    });
  }
});
