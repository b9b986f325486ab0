import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from './cli-run.js';
import { tempHome } from './helpers.js';

let home: string;
let model: string;

beforeAll(async () => {
  home = tempHome();
  model = path.join(home, 'tiny');
  const made = await run(['make-tiny-model', '--arch', 'llama', '--out', model, '--layers', '2', '--seed', '5']);
  expect(made.code).toBe(0);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('qlora make-tiny-model', () => {
  it('writes a Hugging Face folder, the same for the same seed', async () => {
    const again = path.join(home, 'again');
    await run(['make-tiny-model', '--arch', 'llama', '--out', again, '--layers', '2', '--seed', '5']);
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) {
      expect(fs.readFileSync(path.join(again, file)).equals(fs.readFileSync(path.join(model, file))), file).toBe(true);
    }
  });
});

describe('qlora generate', () => {
  it('prints only the continuation, and the same with --json', async () => {
    const plain = await run(['generate', '--model', model, '--prompt', 'Once upon a time', '--max-new-tokens', '12', '--quant', 'none']);
    expect(plain.code).toBe(0);
    const json = await run(['generate', '--model', model, '--prompt', 'Once upon a time', '--max-new-tokens', '12', '--quant', 'none', '--json']);
    const result = JSON.parse(json.out) as { text: string; tokenIds: number[]; finishReason: string };
    expect(plain.out).toBe(`${result.text}\n`);
    expect(result.tokenIds.length).toBeGreaterThan(0);
    expect(['length', 'eos']).toContain(result.finishReason);
  });

  it('samples reproducibly with a seed, and differently with another', async () => {
    const sample = async (seed: string) =>
      JSON.parse(
        (await run(['generate', '--model', model, '--prompt', 'The dog', '--temperature', '1.5', '--seed', seed, '--max-new-tokens', '16', '--json'])).out,
      ).tokenIds as number[];
    expect(await sample('1')).toEqual(await sample('1'));
    expect(await sample('1')).not.toEqual(await sample('2'));
  });

  it('renders a chat through the model template', async () => {
    const chat = path.join(home, 'chat.json');
    fs.writeFileSync(chat, JSON.stringify([{ role: 'user', content: 'Hello there' }]));
    const res = await run(['generate', '--model', model, '--chat', chat, '--max-new-tokens', '4', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).promptTokens).toBeGreaterThan(4);
  });

  it('says clearly what is wrong with the arguments or the model', async () => {
    expect((await run(['generate', '--model', model])).err).toMatch(/--prompt TEXT or --chat/);
    expect((await run(['generate', '--model', path.join(home, 'nope'), '--prompt', 'x'])).err).toMatch(/neither a folder nor a Hub ID/);
    expect((await run(['generate', '--model', model, '--prompt', 'x', '--top-p', '2'])).err).toMatch(/--top-p must be in/);
    const broken = path.join(home, 'broken');
    fs.cpSync(model, broken, { recursive: true });
    fs.rmSync(path.join(broken, 'tokenizer.json'));
    const missing = await run(['generate', '--model', broken, '--prompt', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/tokenizer\.json/);
  });
});

describe('qlora score', () => {
  it('reports tokens, loss and perplexity of a JSON-lines file', async () => {
    const data = path.join(home, 'data.jsonl');
    fs.writeFileSync(data, ['Once upon a time there was a dog.', 'The cat sat on the mat.'].map((text) => JSON.stringify({ text })).join('\n'));
    const res = await run(['score', '--model', model, '--data', data, '--quant', 'none', '--json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as { tokens: number; loss: number; perplexity: number };
    expect(report.tokens).toBeGreaterThan(5);
    expect(report.perplexity).toBeCloseTo(Math.exp(report.loss), 6);
    // A random model is close to uniform over its vocabulary.
    expect(report.loss).toBeGreaterThan(Math.log(512) - 1.5);
    expect(JSON.parse(res.out)).toMatchObject({ format: 'text', records: 2, scored: 'every token after the first' });
    fs.writeFileSync(data, '{"text": 1}\n');
    const bad = await run(['score', '--model', model, '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/data\.jsonl:1\b.*text/);
    expect((await run(['score', '--model', model, '--data', path.join(home, 'missing.csv')])).err).toMatch(/missing\.csv does not exist/);
  });

  it('splits a text file on <|endoftext|> when it holds one, as the same texts in JSON lines score', async () => {
    const texts = ['Once upon a time there was a dog.', 'The cat sat on the mat.'];
    const jsonl = path.join(home, 'two.jsonl');
    fs.writeFileSync(jsonl, texts.map((text) => JSON.stringify({ text })).join('\n'));
    const txt = path.join(home, 'two.txt');
    fs.writeFileSync(txt, texts.join('\n<|endoftext|>\n'));
    const scores: { tokens: number; loss: number; records: number }[] = [];
    for (const data of [jsonl, txt]) scores.push(JSON.parse((await run(['score', '--model', model, '--data', data, '--quant', 'none', '--json'])).out));
    expect(scores[1]).toMatchObject({ records: 2, tokens: scores[0]!.tokens });
    expect(scores[1]!.loss).toBeCloseTo(scores[0]!.loss, 9);
    // --separator names another; here none matches, so the file is one document.
    const one = JSON.parse((await run(['score', '--model', model, '--data', txt, '--separator', '###', '--json'])).out) as { records: number };
    expect(one.records).toBe(1);
  });

  it('says when chats cannot be scored because the model has no chat template, before loading it', async () => {
    const bare = path.join(home, 'no-template');
    fs.cpSync(model, bare, { recursive: true });
    const configFile = path.join(bare, 'tokenizer_config.json');
    const { chat_template: _template, ...config } = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(configFile, JSON.stringify(config));
    const chats = path.join(home, 'chats.jsonl');
    fs.writeFileSync(
      chats,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
        ],
      }),
    );
    const res = await run(['score', '--model', bare, '--data', chats]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/chats\.jsonl holds chats, and this model has no chat template/);
  });
});

describe('--prompt-template', () => {
  it('trains a base model on question/answer data with a custom template, and generate and score prompt the adapter with it', async () => {
    const base = path.join(home, 'base');
    expect((await run(['make-tiny-model', '--arch', 'llama', '--out', base, '--layers', '2', '--no-chat-template'])).code).toBe(0);
    const data = path.join(home, 'qa.csv');
    fs.writeFileSync(data, 'question,answer\n"What is 2+2?",4\n"What is 3+3?",6\n');
    const out = path.join(home, 'qa-adapter');
    const refused = await run(['train', '--model', base, '--data', data, '--output', out, '--max-steps', '1', '--seq-len', '64']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/need a prompt template/);
    const bad = await run(['train', '--model', base, '--data', data, '--output', out, '--prompt-template', 'custom', '--custom-template', 'Q: {question}']);
    expect(bad.err).toMatch(/--custom-template: The template has \{question\}/);
    expect((await run(['train', '--model', base, '--data', data, '--output', out, '--prompt-template', 'nope'])).err).toMatch(
      /--prompt-template must be one of model, alpaca/,
    );

    const template = 'Q: {prompt}\nA: {response}';
    const trained = await run([
      'train',
      '--model',
      base,
      '--data',
      data,
      '--output',
      out,
      '--max-steps',
      '1',
      '--seq-len',
      '64',
      '--prompt-template',
      'custom',
      '--custom-template',
      template,
    ]);
    expect(trained.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'prompt_template.json'), 'utf8')).template).toEqual({ id: 'custom', template });

    const chat = path.join(home, 'qa-chat.json');
    fs.writeFileSync(chat, JSON.stringify([{ role: 'user', content: 'What is 2+2?' }]));
    const generate = (args: string[]) => run(['generate', '--model', base, '--chat', chat, '--max-new-tokens', '3', '--quant', 'none', '--json', ...args]);
    const tuned = JSON.parse((await generate(['--adapter', out])).out) as { promptTokens: number };
    const asBase = JSON.parse((await generate(['--prompt-template', 'custom', '--custom-template', template])).out) as { promptTokens: number };
    expect(tuned.promptTokens).toBe(asBase.promptTokens);
    expect((await generate([])).err).toMatch(/is a conversation, and this model has no chat template/);
    const scored = JSON.parse((await run(['score', '--model', base, '--adapter', out, '--data', data, '--json'])).out) as { scored: string; tokens: number };
    expect(scored.scored).toBe('assistant replies');
  }, 60_000);
});

describe('qlora train', () => {
  const rows = [
    {
      messages: [
        { role: 'user', content: 'Say hello.' },
        { role: 'assistant', content: 'Hello there, friend!' },
      ],
    },
    {
      messages: [
        { role: 'user', content: 'Name a colour.' },
        { role: 'assistant', content: 'Blue is a colour.' },
      ],
    },
    {
      messages: [
        { role: 'user', content: 'Count to three.' },
        { role: 'assistant', content: 'One, two, three.' },
      ],
    },
  ];

  it('trains from flags or a YAML config and writes a PEFT adapter that generate loads', async () => {
    const data = path.join(home, 'train.jsonl');
    fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n'));
    const out = path.join(home, 'adapter');
    const config = path.join(home, 'train.yaml');
    fs.writeFileSync(
      config,
      `model: ${model}\ndata: ${data}\noutput: ${out}\nmax_steps: 3\nseq-len: 120\nlora-r: 4\nlora_dropout: 0.1\ntarget-modules: [q_proj, v_proj]\n`,
    );
    const res = await run(['train', '--config', config, '--learning-rate', '0.001', '--packing', '--json']);
    expect(res.code).toBe(0);
    const events = res.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; name?: string });
    expect(events.filter((e) => e.type === 'metric' && e.name === 'loss')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'done', steps: 3 });
    const adapterConfig = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({ peft_type: 'LORA', r: 4, lora_dropout: 0.1, target_modules: ['q_proj', 'v_proj'] });
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'training_summary.json'), 'utf8'));
    expect(summary.config.packing).toBe(true);
    expect(summary.data.rows).toBeLessThan(summary.data.kept); // the three short chats share rows
    const gen = await run(['generate', '--model', model, '--adapter', out, '--prompt', 'Hello', '--max-new-tokens', '3', '--json']);
    expect(gen.code).toBe(0);

    // Scoring the chats counts the tokens training trained on (the assistant replies), with and without the adapter.
    type Score = { tokens: number; loss: number; scored: string };
    const base = await run(['score', '--model', model, '--data', data, '--json']);
    const tuned = await run(['score', '--model', model, '--adapter', out, '--data', data, '--json']);
    const baseScore = JSON.parse(base.out) as Score;
    const tunedScore = JSON.parse(tuned.out) as Score;
    expect(summary.data.truncated).toBe(0);
    expect(baseScore).toMatchObject({ tokens: summary.data.trainedTokens, scored: 'assistant replies' });
    expect(tunedScore.tokens).toBe(baseScore.tokens);
    expect(tunedScore.loss).not.toBe(baseScore.loss);
  });

  it('trains on the documents of a text file, split on <|endoftext|> when it holds one', async () => {
    const corpus = path.join(home, 'stories.txt');
    fs.writeFileSync(corpus, 'One day a dog ran.\n\nIt was happy.\n<|endoftext|>\nA cat slept.\n<|endoftext|>\nThe end.\n');
    let runs = 0;
    const documents = async (extra: string[]) => {
      const out = path.join(home, `stories-adapter-${++runs}`);
      const res = await run(['train', '--model', model, '--data', corpus, '--output', out, '--max-steps', '1', '--seq-len', '64', '--json', ...extra]);
      expect(res.code).toBe(0);
      return (JSON.parse(fs.readFileSync(path.join(out, 'training_summary.json'), 'utf8')) as { data: { examples: number } }).data.examples;
    };
    expect(await documents([])).toBe(3);
    // --separator names another: blank lines here.
    expect(await documents(['--separator', '\n\n'])).toBe(2);
    // Empty: blank lines, as the Fine-tune page's form has it.
    expect(await documents(['--separator', ''])).toBe(2);
  });

  it('refuses bad settings with the setting named', async () => {
    const data = path.join(home, 'train.jsonl');
    expect((await run(['train', '--model', model, '--data', data])).err).toMatch(/--output/);
    expect((await run(['train', '--model', model, '--data', data, '--output', path.join(home, 'x'), '--lora-r', '0'])).err).toMatch(/r must be a whole number/);
    expect((await run(['train', '--model', model, '--data', data, '--output', path.join(home, 'x'), '--target-modules', 'wq'])).err).toMatch(/wq/);
    expect((await run(['train', '--model', model, '--data', data, '--output', path.join(home, 'x'), '--seq-len', '99999'])).err).toMatch(/99999|max_position/);
    const empty = path.join(home, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    expect((await run(['train', '--model', model, '--data', empty, '--output', path.join(home, 'x')])).err).toMatch(/empty|no records/i);
    const badYaml = path.join(home, 'bad.yaml');
    fs.writeFileSync(badYaml, 'colour: blue\n');
    expect((await run(['train', '--config', badYaml])).err).toMatch(/unknown setting "colour"/);
  });
});
