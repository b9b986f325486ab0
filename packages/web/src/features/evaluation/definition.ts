/**
 * The benchmark editor's form state and how it becomes a benchmark definition (the body of
 * POST /api/benchmarks, /preview and /:id/versions). Pure, so the mapping rules are tested
 * without rendering the form.
 */
import {
  benchmarkDefinitionSchema,
  DEFAULT_JUDGE_RUBRIC,
  defaultBenchmarkTemplates,
  type Benchmark,
  type BenchmarkDefinition,
  type BenchmarkRows,
  type BenchmarkTask,
} from '@qlora-studio/contracts';

export type ExtractorKind = 'whole' | 'last-number' | 'regex';

/** Everything the editor holds, as the controls show it (numbers as typed text). */
export interface BenchmarkDraft {
  name: string;
  datasetId: string;
  /** null: the dataset's newest version. */
  datasetVersion: number | null;
  rows: BenchmarkRows;
  task: BenchmarkTask;
  question: string;
  answer: string;
  /** 'list': one field holds the choices; 'fields': one field per choice. */
  choicesMode: 'list' | 'fields';
  choicesField: string;
  choiceFields: string[];
  prompt: string;
  continuation: string;
  maxNewTokens: string;
  /** One stop string per line; `\n` written as the two characters stands for a newline. */
  stop: string;
  extractor: ExtractorKind;
  pattern: string;
  sampling: boolean;
  temperature: string;
  topP: string;
  seed: string;
  rubric: string;
  passMark: string;
}

export function emptyDraft(task: BenchmarkTask = 'multiple-choice'): BenchmarkDraft {
  return {
    name: '',
    datasetId: '',
    datasetVersion: null,
    rows: { kind: 'all' },
    task,
    question: '',
    answer: '',
    choicesMode: 'list',
    choicesField: '',
    choiceFields: [],
    ...defaultBenchmarkTemplates[task],
    maxNewTokens: '64',
    stop: '',
    extractor: 'whole',
    pattern: '#### (-?[0-9.,]+)',
    sampling: false,
    temperature: '0.7',
    topP: '1',
    seed: '0',
    rubric: DEFAULT_JUDGE_RUBRIC,
    passMark: '7',
  };
}

/**
 * Switches the task. The templates follow the task's defaults unless the user edited them
 * (their own text is kept: losing it silently would be worse than a stale default).
 */
export function withTask(draft: BenchmarkDraft, task: BenchmarkTask): BenchmarkDraft {
  const old = defaultBenchmarkTemplates[draft.task];
  const next = defaultBenchmarkTemplates[task];
  return {
    ...draft,
    task,
    prompt: draft.prompt === old.prompt ? next.prompt : draft.prompt,
    continuation: draft.continuation === old.continuation ? next.continuation : draft.continuation,
  };
}

/** Stop strings from the textarea: one per line, `\n` and `\t` typed as escapes. */
export function parseStops(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\\n/g, '\n').replace(/\\t/g, '\t'))
    .filter((line) => line.length > 0);
}

function formatStops(stops: readonly string[]): string {
  return stops.map((s) => s.replace(/\n/g, '\\n').replace(/\t/g, '\\t')).join('\n');
}

/** A typed number, or NaN so that the schema names the field ("expected number"). */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The definition the draft describes, before validation (the server's schema does that). */
export function draftToDefinition(draft: BenchmarkDraft): BenchmarkDefinition {
  const generates = draft.task === 'generate' || draft.task === 'judge';
  const choices =
    draft.task !== 'multiple-choice'
      ? undefined
      : draft.choicesMode === 'list'
        ? draft.choicesField || undefined
        : draft.choiceFields.filter((f) => f.length > 0);
  return {
    datasetId: draft.datasetId,
    ...(draft.datasetVersion !== null && { datasetVersion: draft.datasetVersion }),
    ...(draft.rows.kind !== 'all' && { rows: draft.rows }),
    task: draft.task,
    fields: { question: draft.question, answer: draft.answer, ...(choices !== undefined && { choices }) },
    template: { prompt: draft.prompt, continuation: draft.continuation },
    ...(generates && {
      generation: {
        maxNewTokens: num(draft.maxNewTokens),
        stop: parseStops(draft.stop),
        extractor: draft.extractor === 'regex' ? { kind: 'regex', pattern: draft.pattern } : { kind: draft.extractor },
        ...(draft.sampling && { sampling: { temperature: num(draft.temperature), topP: num(draft.topP), seed: num(draft.seed) } }),
      },
    }),
    ...(draft.task === 'judge' && { judge: { rubric: draft.rubric, passMark: num(draft.passMark) } }),
  };
}

/** Readable names of the definition's paths, for messages ("Answer field: …"). */
const pathLabels: Record<string, string> = {
  datasetId: 'Dataset',
  'fields.question': 'Question field',
  'fields.answer': 'Answer field',
  'fields.choices': 'Choices',
  'template.prompt': 'Prompt template',
  'template.continuation': 'Continuation',
  'generation.maxNewTokens': 'Max new tokens',
  'generation.stop': 'Stop strings',
  'generation.extractor.pattern': 'Answer pattern',
  'generation.sampling.temperature': 'Temperature',
  'generation.sampling.topP': 'Top-p',
  'generation.sampling.seed': 'Sampling seed',
  'judge.rubric': 'Rubric',
  'judge.passMark': 'Pass mark',
};

export interface DraftCheck {
  definition: BenchmarkDefinition | null;
  /** What is missing or wrong, as "Field: message" lines; empty when the definition is valid. */
  problems: string[];
}

/** The definition when the draft makes a valid one, with what stops it otherwise. */
export function checkDraft(draft: BenchmarkDraft): DraftCheck {
  const parsed = benchmarkDefinitionSchema.safeParse(draftToDefinition(draft));
  if (parsed.success) return { definition: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const label = pathLabels[path] ?? pathLabels[issue.path.slice(0, 2).join('.')] ?? (path || 'Benchmark');
    return `${label}: ${issue.message}`;
  });
  return { definition: null, problems: [...new Set(problems)] };
}

/** A stored benchmark version as a draft, to edit it into a new version. */
export function draftFromBenchmark(b: Benchmark): BenchmarkDraft {
  const base = emptyDraft(b.task);
  const choices = b.fields.choices;
  const g = b.generation;
  return {
    ...base,
    name: b.name,
    datasetId: b.datasetId,
    datasetVersion: b.datasetVersion,
    rows: b.rows,
    question: b.fields.question,
    answer: b.fields.answer,
    choicesMode: Array.isArray(choices) ? 'fields' : 'list',
    choicesField: typeof choices === 'string' ? choices : '',
    choiceFields: Array.isArray(choices) ? [...choices] : [],
    prompt: b.template.prompt,
    continuation: b.template.continuation,
    ...(g && {
      maxNewTokens: String(g.maxNewTokens),
      stop: formatStops(g.stop),
      extractor: g.extractor.kind,
      pattern: g.extractor.kind === 'regex' ? g.extractor.pattern : base.pattern,
      sampling: g.sampling !== undefined,
      ...(g.sampling && { temperature: String(g.sampling.temperature), topP: String(g.sampling.topP), seed: String(g.sampling.seed) }),
    }),
    ...(b.judge && { rubric: b.judge.rubric, passMark: String(b.judge.passMark) }),
  };
}

const questionNames = ['question', 'prompt', 'instruction', 'input', 'query', 'text', 'problem', 'goal', 'ctx', 'context'];
const answerNames = ['answer', 'label', 'target', 'gold', 'output', 'completion', 'response', 'solution', 'correct'];
const choiceListNames = ['choices', 'options', 'endings', 'candidates'];

function pick(columns: readonly string[], names: readonly string[], taken: readonly string[] = []): string {
  const free = columns.filter((c) => !taken.includes(c));
  for (const name of names) {
    const hit = free.find((c) => c.toLowerCase() === name);
    if (hit) return hit;
  }
  return '';
}

/**
 * A first guess at the mapping from the dataset's column names (the user checks it in the
 * preview): common names for question and answer, a list column for choices, or single-letter
 * columns A, B, C… as one field per choice.
 */
export function guessFields(columns: readonly string[]): Pick<BenchmarkDraft, 'question' | 'answer' | 'choicesMode' | 'choicesField' | 'choiceFields'> {
  const question = pick(columns, questionNames) || columns[0] || '';
  const answer = pick(columns, answerNames, [question]);
  const choicesField = pick(columns, choiceListNames, [question, answer]);
  const letters = columns.filter((c) => /^[A-Za-z]$/.test(c) && c !== question && c !== answer).sort((a, b) => a.localeCompare(b));
  const perChoice = !choicesField && letters.length >= 2;
  return { question, answer, choicesMode: perChoice ? 'fields' : 'list', choicesField, choiceFields: perChoice ? letters : [] };
}

/** The `{placeholders}` of a template, in order of appearance, each once. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
}

/**
 * Placeholders that name neither a column nor a special one ({choice} / {answer}), so the user
 * hears of a typo before the preview fails on every row.
 */
export function unknownPlaceholders(template: string, columns: readonly string[], special: readonly string[]): string[] {
  if (columns.length === 0) return [];
  return placeholders(template).filter((p) => !columns.includes(p) && !special.includes(p));
}
