/**
 * Prompt templates (src/io/prompt-templates.ts, adapter-template.ts) and question/answer data:
 * each named format renders as its makers write it, with the answer and EOS as the trained span;
 * a custom template is checked and compiled; question/answer columns are recognised; and a
 * base model without a chat template trains on question/answer data through a template, with
 * only the answers trained and the template kept beside the adapter for later prompting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PromptTemplate } from '@qlora-studio/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTextDatasetBytes } from '../src/data/parse.js';
import { buildDatasetReport } from '../src/data/report.js';
import { readAdapterPromptTemplate } from '../src/io/adapter-template.js';
import { ChatTemplate, readChatTemplates } from '../src/io/chat-template.js';
import { loadModelFolder } from '../src/io/model-folder.js';
import { chatTemplateFor, promptTemplateSource, type TemplateTokens } from '../src/io/prompt-templates.js';
import { encodePrompt, promptChatTemplate } from '../src/infer/prompt.js';
import { makeTinyModel } from '../src/testing/tiny-model.js';
import { trainLora } from '../src/train/loop.js';
import { IGNORE_INDEX } from '../src/train/labels.js';
import { tokenizeRecord } from '../src/train/tokenize.js';
import { rejection } from './helpers.js';

const llamaTokens: TemplateTokens = { addsBos: true, bos: '<s>', eos: '</s>' };
const conversation = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is 2+2?' },
  { role: 'assistant', content: '4' },
  { role: 'user', content: 'And 3+3?' },
  { role: 'assistant', content: '6' },
];

function template(t: PromptTemplate, tokens = llamaTokens): ChatTemplate {
  return new ChatTemplate(promptTemplateSource(t, tokens)!, { bos: tokens.bos, eos: tokens.eos });
}

/** The text, the trained spans' text, and the generation prompt after the first question. */
function rendered(t: PromptTemplate, tokens = llamaTokens) {
  const chat = template(t, tokens);
  const { text, spans } = chat.renderWithSpans(conversation);
  return { text, trained: spans.map((s) => text.slice(s.start, s.end)), generation: chat.render(conversation.slice(1, 2), { addGenerationPrompt: true }) };
}

describe('named prompt templates', () => {
  it('Question / Answer: answers and EOS train; the prompt ends at "Answer:" so the answer keeps its space', () => {
    const r = rendered({ id: 'question-answer' });
    expect(r.text).toBe('<s>Be brief.\n\nQuestion: What is 2+2?\nAnswer: 4</s>\n\nQuestion: And 3+3?\nAnswer: 6</s>');
    expect(r.trained).toEqual([' 4</s>', ' 6</s>']);
    expect(r.generation).toBe('<s>Question: What is 2+2?\nAnswer:');
  });

  it('Alpaca: the preamble without a system message, the system message in its place otherwise', () => {
    const r = rendered({ id: 'alpaca' });
    expect(r.text).toBe('<s>Be brief.\n\n### Instruction:\nWhat is 2+2?\n\n### Response:\n4</s>\n\n### Instruction:\nAnd 3+3?\n\n### Response:\n6</s>');
    expect(r.trained).toEqual(['4</s>', '6</s>']);
    expect(r.generation).toBe(
      '<s>Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nWhat is 2+2?\n\n### Response:\n',
    );
  });

  it('ChatML, Llama 2, Llama 3 and Mistral as their model cards write them, EOS after each answer', () => {
    expect(rendered({ id: 'chatml' }).trained).toEqual(['4<|im_end|></s>\n', '6<|im_end|></s>\n']);
    expect(rendered({ id: 'chatml' }).generation).toBe('<s><|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n');
    const llama2 = rendered({ id: 'llama2' });
    expect(llama2.text).toBe('<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWhat is 2+2? [/INST] 4 </s><s>[INST] And 3+3? [/INST] 6 </s>');
    expect(llama2.trained).toEqual([' 4 </s>', ' 6 </s>']);
    expect(rendered({ id: 'llama3' }).trained).toEqual(['4<|eot_id|></s>', '6<|eot_id|></s>']);
    const mistral = rendered({ id: 'mistral' });
    expect(mistral.text).toBe('<s>[INST] Be brief.\n\nWhat is 2+2? [/INST]4</s>[INST] And 3+3? [/INST]6</s>');
    expect(mistral.generation).toBe('<s>[INST] What is 2+2? [/INST]');
  });

  it('writes EOS once when the format ends turns with it, and BOS only where the tokenizer puts it before text', () => {
    const qwen: TemplateTokens = { addsBos: false, bos: null, eos: '<|im_end|>' };
    expect(rendered({ id: 'chatml' }, qwen).trained).toEqual(['4<|im_end|>\n', '6<|im_end|>\n']);
    expect(rendered({ id: 'question-answer' }, { addsBos: false, bos: '<s>', eos: '</s>' }).text.startsWith('Be brief.')).toBe(true);
  });

  it('refuses roles a format has no place for, with the reason', () => {
    expect(() => template({ id: 'alpaca' }).render([{ role: 'tool', content: '{}' }])).toThrow(/system, user and assistant messages only/);
  });
});

describe('custom prompt templates', () => {
  it('compiles {system}, {prompt} and {response}; later exchanges repeat the part after the system line', () => {
    const r = rendered({ id: 'custom', template: '<sys>{system}</sys>\nQ: {prompt}\nA: {response}\n' });
    expect(r.text).toBe('<s><sys>Be brief.</sys>\nQ: What is 2+2?\nA: 4\n</s>Q: And 3+3?\nA: 6\n</s>');
    expect(r.trained).toEqual([' 4\n</s>', ' 6\n</s>']);
    expect(r.generation).toBe('<s>Q: What is 2+2?\nA:');
  });

  it('puts a system message first when the template has no {system}; quotes and backslashes stay literal', () => {
    const r = rendered({ id: 'custom', template: "It's \\n {prompt} => {response}" });
    expect(r.text.startsWith("<s>Be brief.\n\nIt's \\n What is 2+2? => 4</s>")).toBe(true);
  });

  it('refuses a template without its placeholders, naming what is wrong', () => {
    expect(() => promptTemplateSource({ id: 'custom', template: 'Q: {question}\nA: {response}' }, llamaTokens)).toThrow(
      /\{question\}, which is not a placeholder/,
    );
    expect(() => promptTemplateSource({ id: 'custom', template: 'A: {response} Q: {prompt}' }, llamaTokens)).toThrow(/must come after \{prompt\}/);
  });
});

describe('question / answer columns', () => {
  const parse = (text: string, name: string) => parseTextDatasetBytes(new TextEncoder().encode(text), name);

  it('reads question/answer JSON lines and Question,Answer CSV as prompt / completion, saying which columns', () => {
    const jsonl = parse('{"question":"2+2?","answer":"4"}\n{"question":"3+3?","answer":"6"}\n', 'gsm.jsonl');
    expect(jsonl.format).toBe('prompt-completion');
    expect(jsonl.mapping).toEqual({ prompt: 'question', completion: 'answer' });
    expect(jsonl.records[1]).toEqual({
      kind: 'chat',
      messages: [
        { role: 'user', content: '3+3?' },
        { role: 'assistant', content: '6' },
      ],
    });
    const csv = parse('Question,Answer\n"0.2 x 50?",10\n', 'gsm.csv');
    expect(csv.format).toBe('prompt-completion');
    expect(csv.problems).toEqual([]);
    expect(csv.mapping).toEqual({ prompt: 'Question', completion: 'Answer' });
  });

  it.each([
    ['prompt', 'response'],
    ['query', 'response'],
    ['problem', 'solution'],
    ['input', 'target'],
    ['context', 'response'],
    ['input', 'output'],
  ])('recognises %s / %s', (prompt, completion) => {
    const parsed = parse(`${JSON.stringify({ [prompt]: 'p', [completion]: 'c' })}\n`, 'pairs.jsonl');
    // The mapping names only the columns whose names differ from the layout's own.
    const mapping = Object.fromEntries(Object.entries({ prompt, completion }).filter(([field, column]) => field !== column));
    expect([parsed.format, parsed.mapping, parsed.problems]).toEqual(['prompt-completion', mapping, []]);
  });

  it("reads Dolly's instruction / context / response as alpaca", () => {
    const parsed = parse(`${JSON.stringify({ instruction: 'Sum.', context: '2 and 2', response: '4', category: 'math' })}\n`, 'dolly.jsonl');
    expect([parsed.format, parsed.mapping]).toEqual(['alpaca', { output: 'response', input: 'context' }]);
    expect(parsed.records[0]).toEqual({
      kind: 'chat',
      messages: [
        { role: 'user', content: 'Sum.\n\n2 and 2' },
        { role: 'assistant', content: '4' },
      ],
    });
  });

  it('a chosen layout without a mapping still finds the columns detection found', () => {
    const parsed = parseTextDatasetBytes(new TextEncoder().encode('{"question":"q","answer":"a"}\n'), 'x.jsonl', { format: 'prompt-completion' });
    expect(parsed.problems).toEqual([]);
  });
});

describe('a base model without a chat template, trained on question / answer data', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-prompt-templates-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const modelDir = makeTinyModel({
    arch: 'llama',
    outDir: path.join(root, 'model'),
    hiddenSize: 32,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediateSize: 64,
    maxPositionEmbeddings: 64,
    chatTemplate: false,
  }).dir;
  const dataFile = path.join(root, 'qa.jsonl');
  fs.writeFileSync(dataFile, ['{"question":"cat?","answer":"the cat sat."}', '{"question":"dog?","answer":"the dog ran."}'].join('\n') + '\n');
  const qa: PromptTemplate = { id: 'question-answer' };

  it('the report and training refuse the records without a template, and say to choose one', async () => {
    const folder = loadModelFolder(modelDir);
    folder.weights.close();
    const parsed = parseTextDatasetBytes(fs.readFileSync(dataFile), dataFile);
    const report = buildDatasetReport(parsed, { tokenizer: folder.tokenizer, chatTemplate: chatTemplateFor(folder) });
    expect(report.errorCount).toBe(2);
    expect(report.problems[0]!.message).toMatch(/choose one \(Question \/ Answer/);
    const error = await rejection(trainLora({ ...trainOptions(path.join(root, 'refused')), promptTemplate: undefined }, context()));
    expect(error).toMatchObject({ code: 'CHAT_TEMPLATE_MISSING' });
  });

  it('with the template, only the answers and EOS train, and the masking preview shows it', () => {
    const folder = loadModelFolder(modelDir);
    folder.weights.close();
    const chatTemplate = chatTemplateFor(folder, qa)!;
    const example = tokenizeRecord(
      {
        kind: 'chat',
        messages: [
          { role: 'user', content: 'cat?' },
          { role: 'assistant', content: 'the cat sat.' },
        ],
      },
      { tokenizer: folder.tokenizer, chatTemplate },
    );
    const trained = example.inputIds.filter((_, t) => example.labels[t] !== IGNORE_INDEX);
    expect(folder.tokenizer.decode(trained)).toBe(' the cat sat.</s>');
    const report = buildDatasetReport(parseTextDatasetBytes(fs.readFileSync(dataFile), dataFile), { tokenizer: folder.tokenizer, chatTemplate, samples: 1 });
    expect(report.errorCount).toBe(0);
    expect(
      report.samples[0]!.pieces.filter((p) => p.trained)
        .map((p) => p.text)
        .join(''),
    ).toBe(' the cat sat.</s>');
  });

  it('keeps the template with the adapter, and prompting the adapter uses it', async () => {
    const out = path.join(root, 'adapter');
    await trainLora(trainOptions(out), context());
    expect(readAdapterPromptTemplate(out)?.template).toEqual(qa);
    const written = fs.readFileSync(path.join(out, 'chat_template.jinja'), 'utf8');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'tokenizer_config.json'), 'utf8')).chat_template).toBe(written);
    expect(readChatTemplates(out).get('default')).toBe(written);
    const folder = loadModelFolder(modelDir);
    folder.weights.close();
    const prompt = { kind: 'chat' as const, messages: [{ role: 'user', content: 'cat?' }] };
    expect(encodePrompt(folder, prompt, promptChatTemplate(folder, { adapterDir: out })).rendered).toBe('<s>Question: cat?\nAnswer:');
    expect(() => encodePrompt(folder, prompt)).toThrow(/no chat template/);
  });

  function trainOptions(outputDir: string) {
    return {
      modelDir,
      method: 'qlora' as const,
      lora: { r: 2, alpha: 4, targetModules: 'all-linear' },
      seed: 1,
      optimizer: { kind: 'adamw' as const },
      learningRate: 1e-3,
      scheduler: 'constant' as const,
      maxSteps: 1,
      batchSize: 2,
      gradAccum: 1,
      maxGradNorm: 1,
      seqLen: 32,
      train: { file: dataFile },
      outputDir,
      promptTemplate: qa,
    };
  }
  function context() {
    return {
      signal: new AbortController().signal,
      report: { progress: () => undefined, metric: () => undefined, log: () => undefined, artifact: () => undefined },
    };
  }
});
