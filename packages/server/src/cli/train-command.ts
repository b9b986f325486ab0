import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { JobMetricName } from '@qlora-studio/contracts';
import { LR_SCHEDULE_KINDS, trainLora, type JobReporter, type LrScheduleKind, type TrainLoraOptions } from '@qlora-studio/engine';
import { parse as parseYaml } from 'yaml';
import { promptTemplateFromFlags } from './prompt-template-flag.js';
import { UserError } from './serve.js';
import { textSeparator } from './text-separator.js';

/** Every setting, as a flag and as a key of --config (YAML or JSON, same names). */
const settings = {
  model: 'string',
  data: 'string',
  'eval-data': 'string',
  separator: 'string',
  output: 'string',
  method: 'string',
  'lora-r': 'number',
  'lora-alpha': 'number',
  'lora-dropout': 'number',
  'target-modules': 'string',
  'use-rslora': 'boolean',
  epochs: 'number',
  'max-steps': 'number',
  'learning-rate': 'number',
  optimizer: 'string',
  scheduler: 'string',
  'warmup-steps': 'number',
  'weight-decay': 'number',
  'max-grad-norm': 'number',
  'batch-size': 'number',
  'grad-accum': 'number',
  'seq-len': 'number',
  seed: 'number',
  'eval-every': 'number',
  'checkpoint-every': 'number',
  'early-stopping-patience': 'number',
  'train-on': 'string',
  'prompt-template': 'string',
  'custom-template': 'string',
  packing: 'boolean',
  'init-adapter': 'string',
  'resume-from': 'string',
  threads: 'number',
} as const;
type Setting = keyof typeof settings;
type Values = Partial<Record<Setting, string | number | boolean>>;

function readConfigFile(file: string): Values {
  if (!fs.existsSync(file)) throw new UserError(`--config ${file} does not exist.`);
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`--config ${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`--config ${file} must hold a mapping of settings.`);
  const values: Values = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.replace(/_/g, '-') as Setting;
    if (!(name in settings)) throw new UserError(`--config ${file}: unknown setting "${key}". Known: ${Object.keys(settings).join(', ')}.`);
    values[name] = Array.isArray(value) ? value.join(',') : (value as string | number | boolean);
  }
  return values;
}

/** Flags win over the config file. Numbers are checked here; ranges are checked by the engine. */
function collect(args: string[]): Values & { json?: boolean } {
  const options = Object.fromEntries(
    Object.entries(settings).map(([name, kind]) => [name, { type: kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
  );
  const { values } = parseArgs({ args, options: { ...options, config: { type: 'string' }, json: { type: 'boolean' } } });
  const merged: Values & { json?: boolean } = { ...(values.config ? readConfigFile(values.config) : {}) };
  for (const [name, value] of Object.entries(values)) {
    if (name === 'config' || value === undefined) continue;
    (merged as Record<string, unknown>)[name] = value;
  }
  for (const [name, kind] of Object.entries(settings)) {
    const value = merged[name as Setting];
    if (kind === 'number' && value !== undefined) {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UserError(`--${name} must be a number, not "${String(value)}".`);
      merged[name as Setting] = n;
    }
  }
  return merged;
}

/** A data file for the loop, with how its text documents are separated. */
function dataFile(file: string, separator: string | number | boolean | undefined): { file: string; separator?: string } {
  const resolved = path.resolve(file);
  const documents = textSeparator(resolved, separator === undefined ? undefined : String(separator));
  return documents === undefined ? { file: resolved } : { file: resolved, separator: documents };
}

function required<T>(value: T | undefined, flag: string, what: string): T {
  if (value === undefined || value === '') throw new UserError(`Give ${what}: --${flag}.`);
  return value;
}

function toOptions(v: Values): TrainLoraOptions {
  const scheduler = (v.scheduler ?? 'linear') as LrScheduleKind;
  if (!LR_SCHEDULE_KINDS.includes(scheduler)) throw new UserError(`--scheduler must be one of ${LR_SCHEDULE_KINDS.join(', ')}.`);
  const optimizer = v.optimizer ?? 'adamw';
  if (optimizer !== 'adamw' && optimizer !== 'sgd') throw new UserError('--optimizer must be adamw or sgd.');
  const targets = String(v['target-modules'] ?? 'all-linear');
  const num = (name: Setting) => v[name] as number | undefined;
  return {
    modelDir: path.resolve(String(required(v.model, 'model', 'the base model folder'))),
    method: (v.method ?? 'qlora') as TrainLoraOptions['method'],
    lora: {
      r: num('lora-r') ?? 16,
      alpha: num('lora-alpha') ?? 32,
      dropout: num('lora-dropout') ?? 0,
      targetModules: targets === 'all-linear' ? targets : targets.split(',').map((t) => t.trim()),
      useRslora: v['use-rslora'] === true,
    },
    seed: num('seed') ?? 42,
    optimizer: { kind: optimizer, ...(num('weight-decay') !== undefined ? { weightDecay: num('weight-decay')! } : {}) },
    learningRate: num('learning-rate') ?? 2e-4,
    scheduler,
    ...(num('warmup-steps') !== undefined ? { warmupSteps: num('warmup-steps')! } : {}),
    ...(num('max-steps') !== undefined ? { maxSteps: num('max-steps')! } : { epochs: num('epochs') ?? 1 }),
    batchSize: num('batch-size') ?? 1,
    gradAccum: num('grad-accum') ?? 1,
    maxGradNorm: num('max-grad-norm') ?? 1,
    seqLen: num('seq-len') ?? 512,
    train: dataFile(String(required(v.data, 'data', 'the training data (JSONL, JSON, CSV, TSV, Parquet or text)')), v.separator),
    ...(v['eval-data'] ? { eval: dataFile(String(v['eval-data']), v.separator) } : {}),
    ...(num('eval-every') !== undefined ? { evalEvery: num('eval-every')! } : {}),
    ...(num('checkpoint-every') !== undefined ? { checkpointEvery: num('checkpoint-every')! } : {}),
    ...(num('early-stopping-patience') !== undefined ? { earlyStoppingPatience: num('early-stopping-patience')! } : {}),
    ...(v['train-on'] ? { trainOn: v['train-on'] as 'completions' | 'all' } : {}),
    ...(promptTemplateFromFlags(v) ? { promptTemplate: promptTemplateFromFlags(v)! } : {}),
    ...(v.packing === true ? { packing: true } : {}),
    outputDir: path.resolve(String(required(v.output, 'output', 'the folder for the adapter'))),
    ...(v['init-adapter'] ? { initAdapterDir: path.resolve(String(v['init-adapter'])) } : {}),
    ...(v['resume-from'] ? { resumeFrom: path.resolve(String(v['resume-from'])) } : {}),
    ...(num('threads') !== undefined ? { intraOpNumThreads: num('threads')! } : {}),
  };
}

/** A one-line progress bar for people, or one JSON object per event for machines. */
function trainingReporter(json: boolean): JobReporter {
  const latest: Partial<Record<JobMetricName, number>> = {};
  const emit = (event: Record<string, unknown>) => console.log(JSON.stringify(event));
  return {
    progress: (p) => {
      if (json) return emit({ type: 'progress', ...p });
      if (!process.stderr.isTTY) return;
      const width = 24;
      const filled = p.total > 0 ? Math.round((width * p.step) / p.total) : 0;
      const eta = p.etaSeconds === null ? '' : ` ETA ${Math.ceil(p.etaSeconds)}s`;
      const loss = latest.loss === undefined ? '' : ` loss ${latest.loss.toFixed(4)}`;
      const speed = latest.tokens_per_second === undefined ? '' : ` ${Math.round(latest.tokens_per_second)} tok/s`;
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.total}${loss}${speed}${eta}`);
    },
    metric: (name, value, step) => {
      latest[name] = value;
      if (json) emit({ type: 'metric', name, value, step }); // evaluations reach people as log lines
    },
    log: (level, message) => {
      if (json) emit({ type: 'log', level, message });
      else if (level !== 'debug') process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${message}\n`);
    },
    artifact: (kind, file, label) => {
      if (json) emit({ type: 'artifact', kind, path: file, ...(label ? { label } : {}) });
    },
  };
}

/** `qlora train`: fine-tune a LoRA adapter (QLoRA on an NF4 base by default). */
export async function trainCommand(args: string[]): Promise<void> {
  const values = collect(args);
  const options = toOptions(values);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await trainLora(options, { signal: controller.signal, report: trainingReporter(values.json === true) });
    if (process.stderr.isTTY && !values.json) process.stderr.write('\r\x1b[K');
    const final = result.finalEval ? `, eval loss ${result.finalEval.loss.toFixed(4)}` : '';
    const last = result.history.at(-1);
    const summary = `Trained ${result.steps} steps${last ? `, last loss ${last.loss.toFixed(4)}` : ''}${final}. Adapter: ${result.outputDir}`;
    if (values.json) console.log(JSON.stringify({ type: 'done', outputDir: result.outputDir, steps: result.steps, finalEval: result.finalEval }));
    else console.log(summary);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
