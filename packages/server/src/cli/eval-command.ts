/**
 * `qlora eval`: a model (with adapters) on a benchmark file, one task:
 * - multiple-choice: each choice scored by its log-likelihood after the prompt (accuracy, accuracy_norm);
 * - generate: greedy generation (or seeded sampling with --temperature, --top-p, --seed), an
 *   answer extracted from the output and the reference (exact match, token F1, ROUGE-L, BLEU, chrF);
 * - loss: held-out loss and perplexity of the reference answers after their prompts.
 * --json prints {"metrics", "items": [{"index", "target", "prediction", "correct", "choices" | "output"}]}.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { BenchmarkSampling } from '@qlora-studio/contracts';
import {
  DEFAULT_GENERATE_TEMPLATE,
  DEFAULT_MULTIPLE_CHOICE_TEMPLATE,
  evaluateGenerate,
  evaluateLoss,
  evaluateMultipleChoice,
  multipleChoiceItem,
  readDatasetRows,
  referenceItem,
  type AnswerExtractor,
  type EvalFields,
  type EvalResult,
  type EvalTemplate,
} from '@qlora-studio/engine';
import { modelOptions, numberFlag, openFolder, openModel, quantAndKernels } from './model-commands.js';
import { UserError } from './serve.js';

const tasks = ['multiple-choice', 'generate', 'loss'] as const;
type Task = (typeof tasks)[number];

/** `\n` and `\t` in a template given on the command line mean a newline and a tab. */
function unescape(text: string): string {
  return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

function extractorOf(regex: string | undefined): AnswerExtractor {
  if (regex === undefined) return { kind: 'whole' };
  if (regex === 'last-number') return { kind: 'last-number' };
  try {
    new RegExp(regex);
  } catch (error) {
    throw new UserError(`--answer-regex ${regex} is not a regular expression: ${(error as Error).message}`);
  }
  return { kind: 'regex', pattern: regex };
}

/** Seeded sampling from --temperature, --top-p and --seed; greedy (undefined) without a temperature. */
function samplingOf(values: { temperature?: string; 'top-p'?: string; seed?: string }): BenchmarkSampling | undefined {
  const temperature = numberFlag('temperature', values.temperature, (n) => n > 0 && n <= 2, 'must be above 0 and at most 2 (leave it out for greedy decoding)');
  const topP = numberFlag('top-p', values['top-p'], (n) => n > 0 && n <= 1, 'must be above 0 and at most 1');
  const seed = numberFlag('seed', values.seed, (n) => Number.isInteger(n) && n >= 0, 'must be a whole number ≥ 0');
  if (temperature === undefined) {
    if (topP !== undefined || seed !== undefined) throw new UserError('--top-p and --seed sample: give a --temperature too (e.g. --temperature 0.7).');
    return undefined;
  }
  return { temperature, topP: topP ?? 1, seed: seed ?? 0 };
}

export async function evalCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...modelOptions,
      data: { type: 'string' },
      task: { type: 'string' },
      'question-field': { type: 'string' },
      'choices-field': { type: 'string' },
      'answer-field': { type: 'string' },
      template: { type: 'string' },
      continuation: { type: 'string' },
      'answer-regex': { type: 'string' },
      'max-new-tokens': { type: 'string' },
      stop: { type: 'string', multiple: true },
      limit: { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const task = values.task as Task;
  if (!tasks.includes(task)) throw new UserError(`Choose a task: --task ${tasks.join(' | ')}.`);
  if (!values.data) throw new UserError('Name the benchmark file: --data FILE (JSON lines, JSON, CSV, TSV or Parquet).');
  if (!fs.existsSync(values.data)) throw new UserError(`--data ${values.data} does not exist.`);
  quantAndKernels(values); // bad flags fail before anything loads
  const limit = numberFlag('limit', values.limit, (n) => Number.isInteger(n) && n > 0, 'must be a whole number > 0');
  const maxNewTokens = numberFlag('max-new-tokens', values['max-new-tokens'], (n) => Number.isInteger(n) && n > 0, 'must be a whole number > 0') ?? 64;
  const choicesField = values['choices-field'];
  const fields: EvalFields = {
    question: values['question-field'] ?? 'question',
    answer: values['answer-field'] ?? 'answer',
    ...(choicesField
      ? { choices: choicesField.includes(',') ? choicesField.split(',').map((f) => f.trim()) : choicesField }
      : task === 'multiple-choice'
        ? { choices: 'choices' }
        : {}),
  };
  const defaults = task === 'multiple-choice' ? DEFAULT_MULTIPLE_CHOICE_TEMPLATE : DEFAULT_GENERATE_TEMPLATE;
  const template: EvalTemplate = {
    prompt: values.template !== undefined ? unescape(values.template) : defaults.prompt,
    continuation: values.continuation !== undefined ? unescape(values.continuation) : defaults.continuation,
  };
  const extractor = extractorOf(values['answer-regex']);
  const sampling = samplingOf(values);
  if (sampling && task !== 'generate') throw new UserError('--temperature, --top-p and --seed apply to --task generate only.');

  // Items are built (and every bad row named) before the model loads.
  const source = await readDatasetRows(values.data);
  const rows = source.entries.slice(0, limit ?? source.entries.length);
  const bad = rows.find((r) => r.problem || typeof r.value !== 'object' || r.value === null || Array.isArray(r.value));
  if (bad) throw new UserError(`${values.data}, ${bad.location}: ${bad.problem?.message ?? 'is not a record with fields.'}`);
  const records = rows.map((r) => ({ row: r.value as Record<string, unknown>, where: `${values.data}, ${r.location}` }));
  const opened = await openFolder(values);
  const { folder, model } = await openModel(values, opened);
  const progress = (done: number, total: number): void => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[KEvaluating: ${done}/${total}`);
  };
  let result: EvalResult;
  try {
    if (task === 'multiple-choice') {
      const items = records.map(({ row, where }) => multipleChoiceItem(row, fields, template, where));
      result = await evaluateMultipleChoice(model, folder.tokenizer, items, { onProgress: progress });
    } else {
      const items = records.map(({ row, where }) => referenceItem(row, fields, template, where));
      result =
        task === 'loss'
          ? await evaluateLoss(model, folder.tokenizer, items, { onProgress: progress })
          : await evaluateGenerate(model, folder.tokenizer, items, {
              maxNewTokens,
              stopStrings: values.stop ?? [],
              eosTokenIds: folder.tokenizer.eosTokenIds,
              extractor,
              onProgress: progress,
              ...(sampling ? { sampling } : {}),
            });
    }
  } finally {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    await model.dispose();
  }
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const { quant, kernels } = quantAndKernels(values);
  console.log(`${task} on ${result.items.length} items (${quant}${quant === 'nf4' ? `, ${kernels} kernels` : ''}):`);
  for (const [name, value] of Object.entries(result.metrics)) console.log(`  ${name.padEnd(16)} ${Number.isInteger(value) ? value : value.toFixed(4)}`);
}
