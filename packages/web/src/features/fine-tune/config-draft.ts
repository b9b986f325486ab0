import {
  plainIssueMessage,
  promptTemplateIds,
  promptTemplateInfo,
  trainJobConfigSchema,
  type PromptTemplateId,
  type TrainJobConfig,
  type TrainJobConfigInput,
} from '@qlora-studio/contracts';
import { z } from 'zod';
import { settingsHelp, type SettingKey } from './settings-help';

/**
 * The form's state: every setting as the user typed it (numbers as text, so a half-typed
 * value is not lost), plus the chosen model and dataset.
 */
export interface Draft {
  modelId: string;
  datasetId: string;
  method: 'qlora' | 'lora';
  stopBy: 'epochs' | 'steps';
  epochs: string;
  maxSteps: string;
  learningRate: string;
  batchSize: string;
  seqLen: string;
  loraR: string;
  loraAlpha: string;
  loraDropout: string;
  targetModules: string;
  useRslora: boolean;
  optimizer: 'adamw' | 'sgd';
  weightDecay: string;
  scheduler: 'constant' | 'linear' | 'cosine';
  warmupSteps: string;
  maxGradNorm: string;
  gradAccum: string;
  validation: 'none' | 'split' | 'dataset';
  valRatio: string;
  valSeed: string;
  valDatasetId: string;
  trainOn: 'completions' | 'all';
  /** How chats are written out: '' for the model's own chat template, else a prompt template. */
  promptTemplate: '' | PromptTemplateId;
  /** The custom template's text (kept while another template is chosen). */
  customTemplate: string;
  packing: boolean;
  seed: string;
  evalEvery: string;
  checkpointEvery: string;
  earlyStoppingPatience: string;
}

export const emptyDraft: Draft = {
  modelId: '',
  datasetId: '',
  method: 'qlora',
  stopBy: 'epochs',
  epochs: '1',
  maxSteps: '',
  learningRate: '0.0002',
  batchSize: '1',
  seqLen: '512',
  loraR: '16',
  loraAlpha: '32',
  loraDropout: '0.05',
  targetModules: 'all-linear',
  useRslora: false,
  optimizer: 'adamw',
  weightDecay: '0',
  scheduler: 'linear',
  warmupSteps: '0',
  maxGradNorm: '1',
  gradAccum: '1',
  validation: 'none',
  valRatio: '0.1',
  valSeed: '42',
  valDatasetId: '',
  trainOn: 'completions',
  promptTemplate: '',
  customTemplate: promptTemplateInfo.custom.shape,
  packing: false,
  seed: '42',
  evalEvery: '',
  checkpointEvery: '',
  earlyStoppingPatience: '',
};

/**
 * What a Draft looks like, for drafts read back from browser storage (kept form, presets): a
 * value an older version wrote, with a field since renamed or retyped, does not fit.
 */
export const draftSchema = z.object({
  modelId: z.string(),
  datasetId: z.string(),
  method: z.enum(['qlora', 'lora']),
  stopBy: z.enum(['epochs', 'steps']),
  epochs: z.string(),
  maxSteps: z.string(),
  learningRate: z.string(),
  batchSize: z.string(),
  seqLen: z.string(),
  loraR: z.string(),
  loraAlpha: z.string(),
  loraDropout: z.string(),
  targetModules: z.string(),
  useRslora: z.boolean(),
  optimizer: z.enum(['adamw', 'sgd']),
  weightDecay: z.string(),
  scheduler: z.enum(['constant', 'linear', 'cosine']),
  warmupSteps: z.string(),
  maxGradNorm: z.string(),
  gradAccum: z.string(),
  validation: z.enum(['none', 'split', 'dataset']),
  valRatio: z.string(),
  valSeed: z.string(),
  valDatasetId: z.string(),
  trainOn: z.enum(['completions', 'all']),
  promptTemplate: z.union([z.literal(''), z.enum(promptTemplateIds)]),
  customTemplate: z.string(),
  packing: z.boolean(),
  seed: z.string(),
  evalEvery: z.string(),
  checkpointEvery: z.string(),
  earlyStoppingPatience: z.string(),
}) satisfies z.ZodType<Draft>;

/** A number field: empty → undefined, otherwise Number (NaN for junk, which the schema rejects). */
function num(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/** What the form would send: the schema's input shape. */
export function draftToInput(d: Draft): TrainJobConfigInput {
  const targets = d.targetModules.trim();
  const validation: TrainJobConfigInput['validation'] =
    d.validation === 'split'
      ? { kind: 'split', ratio: num(d.valRatio), seed: num(d.valSeed) }
      : d.validation === 'dataset'
        ? { kind: 'dataset', datasetId: d.valDatasetId }
        : { kind: 'none' };
  return {
    modelId: d.modelId,
    datasetId: d.datasetId,
    validation,
    method: d.method,
    lora: {
      r: num(d.loraR),
      alpha: num(d.loraAlpha),
      dropout: num(d.loraDropout),
      targetModules:
        targets === '' || targets === 'all-linear'
          ? 'all-linear'
          : targets
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
      useRslora: d.useRslora,
    },
    epochs: d.stopBy === 'epochs' ? num(d.epochs) : undefined,
    maxSteps: d.stopBy === 'steps' ? num(d.maxSteps) : undefined,
    learningRate: num(d.learningRate),
    optimizer: d.optimizer,
    weightDecay: num(d.weightDecay),
    scheduler: d.scheduler,
    warmupSteps: num(d.warmupSteps),
    maxGradNorm: num(d.maxGradNorm),
    batchSize: num(d.batchSize),
    gradAccum: num(d.gradAccum),
    seqLen: num(d.seqLen),
    seed: num(d.seed),
    evalEvery: num(d.evalEvery),
    checkpointEvery: num(d.checkpointEvery),
    earlyStoppingPatience: num(d.earlyStoppingPatience),
    trainOn: d.trainOn,
    promptTemplate:
      d.promptTemplate === '' ? undefined : d.promptTemplate === 'custom' ? { id: 'custom', template: d.customTemplate } : { id: d.promptTemplate },
    packing: d.packing,
  };
}

/** A full config back into form text (for import and presets). */
export function configToDraft(c: TrainJobConfig): Draft {
  const s = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    modelId: c.modelId,
    datasetId: c.datasetId,
    method: c.method,
    stopBy: c.maxSteps !== undefined ? 'steps' : 'epochs',
    epochs: s(c.epochs),
    maxSteps: s(c.maxSteps),
    learningRate: s(c.learningRate),
    batchSize: s(c.batchSize),
    seqLen: s(c.seqLen),
    loraR: s(c.lora.r),
    loraAlpha: s(c.lora.alpha),
    loraDropout: s(c.lora.dropout),
    targetModules: c.lora.targetModules === 'all-linear' ? 'all-linear' : c.lora.targetModules.join(','),
    useRslora: c.lora.useRslora,
    optimizer: c.optimizer,
    weightDecay: s(c.weightDecay),
    scheduler: c.scheduler,
    warmupSteps: s(c.warmupSteps),
    maxGradNorm: s(c.maxGradNorm),
    gradAccum: s(c.gradAccum),
    validation: c.validation.kind,
    valRatio: c.validation.kind === 'split' ? s(c.validation.ratio) : emptyDraft.valRatio,
    valSeed: c.validation.kind === 'split' ? s(c.validation.seed) : emptyDraft.valSeed,
    valDatasetId: c.validation.kind === 'dataset' ? c.validation.datasetId : '',
    trainOn: c.trainOn,
    promptTemplate: c.promptTemplate === undefined || c.promptTemplate.id === 'model' ? '' : c.promptTemplate.id,
    customTemplate: c.promptTemplate?.id === 'custom' ? c.promptTemplate.template : emptyDraft.customTemplate,
    packing: c.packing,
    seed: s(c.seed),
    evalEvery: s(c.evalEvery),
    checkpointEvery: s(c.checkpointEvery),
    earlyStoppingPatience: s(c.earlyStoppingPatience),
  };
}

/** A form field that can carry an error: a setting, the model and dataset, or the prompt template (chosen in the dataset step). */
export type FieldKey = SettingKey | 'modelId' | 'datasetId' | 'promptTemplate' | 'customTemplate';

/** The setting a schema path belongs to. */
const pathToKey: Record<string, FieldKey> = {
  modelId: 'modelId',
  datasetId: 'datasetId',
  'lora.r': 'loraR',
  'lora.alpha': 'loraAlpha',
  'lora.dropout': 'loraDropout',
  'lora.targetModules': 'targetModules',
  'lora.useRslora': 'useRslora',
  'validation.ratio': 'valRatio',
  'validation.seed': 'valSeed',
  'validation.datasetId': 'valDatasetId',
  validation: 'validation',
  promptTemplate: 'promptTemplate',
  'promptTemplate.template': 'customTemplate',
};

export type FieldErrors = Partial<Record<FieldKey, string>>;

/** The schema's message in plain words, naming the field as the form labels it, with its allowed range. */
function messageFor(issue: Parameters<typeof plainIssueMessage>[0], key: FieldKey): string {
  const label = key in settingsHelp ? settingsHelp[key as SettingKey].label : undefined;
  return plainIssueMessage(issue, { schema: trainJobConfigSchema, label });
}

export type Validated = { ok: true; config: TrainJobConfig; errors: FieldErrors } | { ok: false; errors: FieldErrors };

/**
 * Checks the draft with the server's own schema; errors keyed by form field. With the chosen
 * model's maximum length, a longer sequence length is an error here rather than at launch.
 */
export function validateDraft(d: Draft, limits: { maxSeqLen?: number } = {}): Validated {
  const result = trainJobConfigSchema.safeParse(draftToInput(d));
  const errors: FieldErrors = {};
  if (d.stopBy === 'steps' && d.maxSteps.trim() === '') errors.maxSteps = 'Enter the number of steps, or train for epochs instead.';
  if (d.earlyStoppingPatience.trim() && !d.evalEvery.trim()) errors.earlyStoppingPatience = 'Early stopping needs “Evaluate every” to be set.';
  if (d.evalEvery.trim() && d.validation === 'none') errors.evalEvery = 'Evaluation needs validation data (Data tab).';
  if (limits.maxSeqLen && Number(d.seqLen) > limits.maxSeqLen)
    errors.seqLen = `This model reads at most ${limits.maxSeqLen} tokens; use ${limits.maxSeqLen} or less.`;
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const key = pathToKey[path] ?? (issue.path[0] as SettingKey);
      if (!errors[key]) errors[key] = messageFor(issue, key);
    }
  }
  if (!result.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, config: result.data, errors };
}

/**
 * The equivalent `qlora train` command (flags as in the CLI). The dataset is a placeholder:
 * the CLI reads a file, while the app uses its stored copy.
 */
export function cliCommand(config: TrainJobConfig, modelPath: string, dataPlaceholder = '<path/to/dataset.jsonl>'): string {
  const quote = (v: string) => (/^[\w./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const flags: [string, string | number | boolean | undefined][] = [
    ['model', modelPath],
    ['data', dataPlaceholder],
    ['eval-data', config.validation.kind === 'dataset' ? '<path/to/validation.jsonl>' : undefined],
    ['method', config.method],
    ['lora-r', config.lora.r],
    ['lora-alpha', config.lora.alpha],
    ['lora-dropout', config.lora.dropout],
    ['target-modules', config.lora.targetModules === 'all-linear' ? 'all-linear' : config.lora.targetModules.join(',')],
    ['use-rslora', config.lora.useRslora],
    [config.maxSteps !== undefined ? 'max-steps' : 'epochs', config.maxSteps ?? config.epochs],
    ['learning-rate', config.learningRate],
    ['optimizer', config.optimizer],
    ['scheduler', config.scheduler],
    ['warmup-steps', config.warmupSteps],
    ['weight-decay', config.weightDecay],
    ['max-grad-norm', config.maxGradNorm],
    ['batch-size', config.batchSize],
    ['grad-accum', config.gradAccum],
    ['seq-len', config.seqLen],
    ['seed', config.seed],
    ['eval-every', config.evalEvery],
    ['checkpoint-every', config.checkpointEvery],
    ['early-stopping-patience', config.earlyStoppingPatience],
    ['train-on', config.trainOn],
    ['prompt-template', config.promptTemplate?.id === 'model' ? undefined : config.promptTemplate?.id],
    ['custom-template', config.promptTemplate?.id === 'custom' ? config.promptTemplate.template : undefined],
    ['packing', config.packing],
  ];
  const parts = ['qlora train'];
  for (const [flag, value] of flags) {
    if (value === undefined || value === false) continue;
    parts.push(value === true ? `--${flag}` : `--${flag} ${/^</.test(String(value)) ? String(value) : quote(String(value))}`);
  }
  return parts.join(' \\\n  ');
}
