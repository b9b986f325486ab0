/**
 * Validation problems in plain words: a zod issue becomes "Learning rate must be more than 0
 * and at most 1." instead of "Too big: expected number to be <=1". The field is named by its
 * label and, where the schema is given, the message states the whole allowed range. Messages a
 * schema wrote itself ("Choose a base model.") are kept as they are. The server's error details
 * and the web form both use this, so a field's problem reads the same in both.
 */
import type { z } from 'zod';

/** Labels of settings by path (array indices left out), as the Fine-tune form names them. */
export const fieldLabels: Record<string, string> = {
  modelId: 'Base model',
  datasetId: 'Dataset',
  datasetVersion: 'Dataset version',
  validation: 'Validation data',
  'validation.kind': 'Validation data',
  'validation.ratio': 'Held-out share',
  'validation.seed': 'Split seed',
  'validation.datasetId': 'Validation dataset',
  method: 'Method',
  lora: 'LoRA settings',
  'lora.r': 'LoRA rank (r)',
  'lora.alpha': 'LoRA alpha',
  'lora.dropout': 'LoRA dropout',
  'lora.targetModules': 'Target modules',
  'lora.useRslora': 'rsLoRA',
  epochs: 'Epochs',
  maxSteps: 'Max steps',
  learningRate: 'Learning rate',
  optimizer: 'Optimizer',
  weightDecay: 'Weight decay',
  scheduler: 'Learning-rate schedule',
  warmupSteps: 'Warmup steps',
  maxGradNorm: 'Max gradient norm',
  batchSize: 'Batch size',
  gradAccum: 'Gradient accumulation',
  seqLen: 'Sequence length',
  seed: 'Seed',
  evalEvery: 'Evaluate every',
  checkpointEvery: 'Checkpoint every',
  earlyStoppingPatience: 'Early-stopping patience',
  trainOn: 'Train on',
  packing: 'Packing',
  promptTemplate: 'Prompt template',
  title: 'Job name',
  benchmarkSeconds: 'Benchmark time per setting',
  matrixSize: 'Benchmark matrix size',
};

const zodDefault = /^(Invalid|Too (big|small)|Unrecognized key)/;

const sentenceCase = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
};

/**
 * The label of the field at `path`: the longest known tail of its dotted path
 * (`config.lora.r` → "LoRA rank (r)"), else its last key in words (`jobConcurrency` → "Job concurrency").
 */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const keys = path.filter((p): p is string => typeof p === 'string');
  for (let i = 0; i < keys.length; i++) {
    const label = fieldLabels[keys.slice(i).join('.')];
    if (label) return label;
  }
  const last = keys.at(-1);
  return last ? sentenceCase(last) : 'The value';
}

// ---- the allowed range of a number, read from the schema ------------------------------------

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Through optional, default, nullable, pipes and the like to the schema that checks the value. */
function unwrap(schema: unknown): unknown {
  for (let s = schema, n = 0; n < 20; n++) {
    const def = defOf(s);
    if (!def) return s;
    if ('innerType' in def) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = (def.getter as () => unknown)();
    else return s;
  }
  return schema;
}

/** The schema at `path`, trying each option of a union until the whole path resolves. */
function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  const s = unwrap(schema);
  if (path.length === 0) return s;
  const def = defOf(s);
  if (!def) return undefined;
  const [key, ...rest] = path;
  if (def.type === 'union') {
    for (const option of def.options as unknown[]) {
      const found = schemaAt(option, path);
      if (found) return found;
    }
    return undefined;
  }
  if (def.type === 'object') {
    const child = (def.shape as Record<string, unknown>)[String(key)];
    return child === undefined ? undefined : schemaAt(child, rest);
  }
  if (def.type === 'array') return schemaAt(def.element, rest);
  if (def.type === 'record') return schemaAt(def.valueType, rest);
  return undefined;
}

export interface NumberRange {
  min?: number;
  minInclusive?: boolean;
  max?: number;
  maxInclusive?: boolean;
  integer: boolean;
}

/** The bounds a number schema states (its own checks, not the int's implicit ±2^53). */
export function numberRange(schema: unknown, path: readonly PropertyKey[] = []): NumberRange | null {
  const def = defOf(schemaAt(schema, path));
  if (def?.type !== 'number') return null;
  const range: NumberRange = { integer: false };
  for (const check of (def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []) {
    const c = check._zod.def;
    if (c.check === 'greater_than') Object.assign(range, { min: c.value as number, minInclusive: c.inclusive as boolean });
    else if (c.check === 'less_than') Object.assign(range, { max: c.value as number, maxInclusive: c.inclusive as boolean });
    else if (c.check === 'number_format' && /int/.test(String(c.format))) range.integer = true;
  }
  return range;
}

/** "from 1 to 512", "more than 0 and at most 1", "at least 0"; '' when unbounded. */
export function describeRange(r: Omit<NumberRange, 'integer'>): string {
  const lower = r.min === undefined ? null : `${r.minInclusive ? 'at least' : 'more than'} ${r.min}`;
  const upper = r.max === undefined ? null : `${r.maxInclusive ? 'at most' : 'below'} ${r.max}`;
  if (lower && upper && r.minInclusive && r.maxInclusive) return `from ${r.min} to ${r.max}`;
  return [lower, upper].filter(Boolean).join(' and ');
}

// ---- issues to sentences --------------------------------------------------------------------

type Issue = z.core.$ZodIssue | (z.core.$ZodIssueBase & Record<string, unknown>);

const typeNames: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  object: 'a group of settings',
  array: 'a list',
  number: 'a number',
  int: 'a whole number',
};
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * One issue as a sentence naming the field. `schema` (the schema that was parsed) gives the
 * full allowed range of a number; `label` overrides the field's name (the form's own label).
 */
export function plainIssueMessage(issue: Issue, opts: { schema?: unknown; label?: string } = {}): string {
  const i = issue as Record<string, unknown> & { code: string; message: string; path: PropertyKey[] };
  if (!zodDefault.test(i.message)) return i.message;
  const label = opts.label ?? fieldLabel(i.path);
  const fromSchema = opts.schema ? numberRange(opts.schema, i.path) : null;
  const numeric = i.code === 'too_big' || i.code === 'too_small' ? i.origin === 'number' : i.expected === 'number' || i.expected === 'int';
  if (numeric) {
    if (i.received === 'undefined' || /received undefined/.test(i.message)) return `${label} is required.`;
    const fromIssue: Omit<NumberRange, 'integer'> =
      i.code === 'too_big'
        ? { max: Number(i.maximum), maxInclusive: !!i.inclusive }
        : i.code === 'too_small'
          ? { min: Number(i.minimum), minInclusive: !!i.inclusive }
          : {};
    const range = describeRange(fromSchema ?? fromIssue);
    const whole = i.expected === 'int' || !!fromSchema?.integer;
    if (i.code === 'invalid_type') return `${label} must be ${whole ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}.`;
    return `${label} must be ${whole ? 'a whole number ' : ''}${range}.`;
  }
  switch (i.code) {
    case 'invalid_type':
      if (i.received === 'undefined' || /received undefined/.test(i.message)) return `${label} is required.`;
      return `${label} must be ${typeNames[String(i.expected)] ?? String(i.expected)}.`;
    case 'too_small':
      if (i.origin === 'string')
        return Number(i.minimum) <= 1
          ? `${label} must not be empty.`
          : `${label} must be at least ${plural(Number(i.minimum), 'character', 'characters')} long.`;
      if (i.origin === 'array' || i.origin === 'set') return `${label} needs at least ${plural(Number(i.minimum), 'entry', 'entries')}.`;
      return `${label} is too small.`;
    case 'too_big':
      if (i.origin === 'string') return `${label} must be at most ${plural(Number(i.maximum), 'character', 'characters')} long.`;
      if (i.origin === 'array' || i.origin === 'set') return `${label} takes at most ${plural(Number(i.maximum), 'entry', 'entries')}.`;
      return `${label} is too big.`;
    case 'invalid_value': {
      const values = (i.values as unknown[]).map((v) => String(v));
      return values.length === 1 ? `${label} must be ${values[0]}.` : `${label} must be one of: ${values.join(', ')}.`;
    }
    case 'invalid_union':
      return Array.isArray(i.options) && i.options.length
        ? `${label} must be one of: ${(i.options as unknown[]).map(String).join(', ')}.`
        : `${label} is not in any of the accepted forms.`;
    case 'unrecognized_keys': {
      const keys = (i.keys as string[]).map((k) => `“${k}”`).join(', ');
      return `${(i.keys as string[]).length === 1 ? 'Unknown setting' : 'Unknown settings'} ${keys}${i.path.length ? ` in ${label}` : ''}: leave ${(i.keys as string[]).length === 1 ? 'it' : 'them'} out.`;
    }
    case 'invalid_format':
      return `${label} is not in the expected format.`;
    default:
      return `${label} is not valid.`;
  }
}

/** Every issue as `{ path, message }` (path dotted, as the API's error details give it). */
export function plainIssues(issues: readonly Issue[], schema?: unknown): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: plainIssueMessage(issue, { schema }) }));
}
