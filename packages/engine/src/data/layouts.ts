/**
 * Record layouts → the one internal record (`DatasetRecord`). Every problem is collected on the
 * record's `RecordProblems` instead of thrown, so one bad record never hides the others.
 */
import type { ChatRole, ColumnMapping, DatasetFormat, DatasetMessage, DatasetRecord } from '@qlora-studio/contracts';
import { type RecordProblems, describeType, isObject } from './problems.js';
import { checkRoleOrder } from './roles.js';

type LayoutField = keyof ColumnMapping;

/**
 * Per layout: the fields that identify it in a first record (any one suffices), then all its
 * fields. `prompt` alone does not identify prompt/completion: it is too common a column name.
 */
const layouts: [DatasetFormat, identifying: LayoutField[], all: LayoutField[]][] = [
  ['messages', ['messages'], ['messages']],
  ['sharegpt', ['conversations'], ['conversations']],
  ['alpaca', ['instruction', 'output'], ['instruction', 'input', 'output', 'system']],
  ['prompt-completion', ['completion'], ['prompt', 'completion']],
  ['text', ['text'], ['text']],
];

const sourceName = (field: LayoutField, columns: ColumnMapping): string => columns[field] ?? field;

/** The layout whose identifying field `value` has (mapped through `columns`), or null. */
export function detectFormat(value: unknown, columns: ColumnMapping = {}): DatasetFormat | null {
  if (!isObject(value)) return null;
  return layouts.find(([, identifying]) => identifying.some((f) => Object.hasOwn(value, sourceName(f, columns))))?.[0] ?? null;
}

/**
 * Common column pairs of question/answer data, read as prompt / completion (or alpaca, when an
 * instruction comes with them): the first pair a record has wins. Names match in any case.
 */
const columnPairs: [prompt: string, completion: string][] = [
  ['question', 'answer'],
  ['prompt', 'response'],
  ['query', 'response'],
  ['problem', 'solution'],
  ['input', 'target'],
  ['context', 'response'],
  ['input', 'output'],
];

/** The field of `value` named `name` in any case, or undefined. */
function fieldNamed(value: Record<string, unknown>, name: string): string | undefined {
  return Object.hasOwn(value, name) ? name : Object.keys(value).find((k) => k.toLowerCase() === name);
}

/**
 * The layout of a first record and the columns that hold its fields. Names the user mapped
 * (`columns`) are looked for first, as `detectFormat` does; with no mapping, question/answer
 * pairs (`columnPairs`) and an instruction with a `response` (Dolly's instruction / context /
 * response) are recognised too, and the mapping found is returned for the report to show.
 */
export function detectLayout(value: unknown, columns: ColumnMapping = {}): { format: DatasetFormat; columns: ColumnMapping } | null {
  if (!isObject(value)) return null;
  if (Object.keys(columns).length > 0) {
    const format = detectFormat(value, columns);
    return format === null ? null : { format, columns };
  }
  for (const format of ['messages', 'sharegpt'] as const) if (detectFormat(value) === format) return { format, columns };
  const instruction = fieldNamed(value, 'instruction');
  const response = fieldNamed(value, 'output') ?? fieldNamed(value, 'response');
  if (instruction !== undefined && response !== undefined) {
    const input = fieldNamed(value, 'input') ?? fieldNamed(value, 'context');
    const system = fieldNamed(value, 'system');
    return { format: 'alpaca', columns: mappingOf({ instruction, output: response, ...(input ? { input } : {}), ...(system ? { system } : {}) }) };
  }
  if (fieldNamed(value, 'completion') !== undefined)
    return {
      format: 'prompt-completion',
      columns: mappingOf({ prompt: fieldNamed(value, 'prompt') ?? 'prompt', completion: fieldNamed(value, 'completion')! }),
    };
  for (const [prompt, completion] of columnPairs) {
    const p = fieldNamed(value, prompt);
    const c = fieldNamed(value, completion);
    if (p !== undefined && c !== undefined) return { format: 'prompt-completion', columns: mappingOf({ prompt: p, completion: c }) };
  }
  const format = detectFormat(value);
  return format === null ? null : { format, columns };
}

/** Only the fields whose source name differs from the layout's own. */
function mappingOf(mapping: ColumnMapping): ColumnMapping {
  return Object.fromEntries(Object.entries(mapping).filter(([field, source]) => field !== source)) as ColumnMapping;
}

/** Whether `value` has any field of layout `format`. */
function hasLayoutFields(value: Record<string, unknown>, format: DatasetFormat, columns: ColumnMapping): boolean {
  return layouts.find(([name]) => name === format)![2].some((f) => Object.hasOwn(value, sourceName(f, columns)));
}

/** How each layout's turns name their role and content, and which role names mean what. */
const turnStyles = {
  messages: { roleKey: 'role', contentKey: 'content', roles: { system: 'system', user: 'user', assistant: 'assistant', tool: 'tool' } },
  sharegpt: {
    roleKey: 'from',
    contentKey: 'value',
    roles: {
      system: 'system',
      human: 'user',
      user: 'user',
      gpt: 'assistant',
      assistant: 'assistant',
      function_call: 'assistant',
      observation: 'tool',
      tool: 'tool',
    },
  },
} satisfies Record<string, { roleKey: string; contentKey: string; roles: Record<string, ChatRole> }>;

/** Reads the fields of one source record, reporting each problem with its source field name. */
class FieldReader {
  constructor(
    readonly value: Record<string, unknown>,
    readonly columns: ColumnMapping,
    readonly problems: RecordProblems,
  ) {}

  required(field: LayoutField): string | null {
    const key = sourceName(field, this.columns);
    const v = this.value[key];
    if (v === undefined) return (this.problems.add('missing-field', `the record has no "${key}" field.`, { field: key }), null);
    if (typeof v !== 'string') return (this.problems.add('wrong-type', `"${key}" must be a string, not ${describeType(v)}.`, { field: key }), null);
    if (v.trim() === '') return (this.problems.add('empty-field', `"${key}" is empty.`, { field: key }), null);
    return v;
  }

  optional(field: LayoutField): string {
    const key = sourceName(field, this.columns);
    const v = this.value[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') return (this.problems.add('wrong-type', `"${key}" must be a string, not ${describeType(v)}.`, { field: key }), '');
    return v;
  }

  /** A list field; CSV, TSV and Parquet cells hold it as JSON text. */
  list(field: LayoutField): { key: string; items: unknown[] } | null {
    const key = sourceName(field, this.columns);
    let v = this.value[key];
    if (v === undefined || v === null) return (this.problems.add('missing-field', `the record has no "${key}" field.`, { field: key }), null);
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch (error) {
        return (this.problems.add('invalid-json', `"${key}" holds invalid JSON: ${(error as Error).message}`, { field: key }), null);
      }
    }
    if (!Array.isArray(v) || v.length === 0) {
      const shape = field === 'conversations' ? '{from, value}' : '{role, content}';
      return (this.problems.add(Array.isArray(v) ? 'empty-field' : 'wrong-type', `"${key}" must be a non-empty array of ${shape}.`, { field: key }), null);
    }
    return { key, items: v };
  }

  /** Tool definitions, kept as JSON text (ShareGPT stores them so; OpenAI as a list). */
  tools(): string | undefined {
    const v = this.value.tools;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'object') return JSON.stringify(v);
    this.problems.add('wrong-type', `"tools" must be a JSON list of tool definitions, not ${describeType(v)}; it is ignored.`, {
      field: 'tools',
      severity: 'warning',
    });
    return undefined;
  }
}

/**
 * A turn's text: a string, or OpenAI's list of content parts when every part is text (the parts
 * are joined as the API joins them). Anything else says what it is, for the problem message.
 */
function textOfContent(value: unknown): string | { unsupported: string } {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return { unsupported: describeType(value) };
  let text = '';
  for (const part of value) {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
      const type = isObject(part) && typeof part.type === 'string' ? `a part of type "${part.type}"` : describeType(part);
      return { unsupported: `a list holding ${type} (only text parts can be trained on)` };
    }
    text += part.text;
  }
  return text;
}

function chatTurns(reader: FieldReader, field: 'messages' | 'conversations', style: (typeof turnStyles)[keyof typeof turnStyles]): DatasetRecord | null {
  const list = reader.list(field);
  if (!list) return null;
  const { roleKey, contentKey, roles } = style;
  const names = Object.keys(roles)
    .map((r) => `"${r}"`)
    .join(', ');
  const problems = reader.problems;
  const errorsBefore = problems.errors;
  const messages: DatasetMessage[] = [];
  list.items.forEach((turn, i) => {
    const at = `${list.key}[${i}]`;
    if (!isObject(turn))
      return problems.add('wrong-type', `a message must be an object {${roleKey}, ${contentKey}}, not ${describeType(turn)}.`, { field: at });
    const name = turn[roleKey];
    const role = typeof name === 'string' && Object.hasOwn(roles, name) ? (roles as Record<string, ChatRole>)[name] : undefined;
    if (role === undefined) {
      return problems.add('wrong-type', `${roleKey} ${JSON.stringify(name) ?? 'missing'} is not supported; use ${names}.`, { field: `${at}.${roleKey}` });
    }
    if ((turn[contentKey] === null || turn[contentKey] === undefined) && turn.tool_calls !== undefined) {
      return problems.add(
        'wrong-type',
        'a message whose call is in "tool_calls" is not supported yet: write the call as text in "content" (its JSON, as ShareGPT function_call turns do), or leave the record out.',
        { field: `${at}.tool_calls` },
      );
    }
    const content = textOfContent(turn[contentKey]);
    if (typeof content !== 'string') {
      const value = turn[contentKey];
      const kind = value === undefined ? 'missing-field' : 'wrong-type';
      return problems.add(kind, `"${contentKey}" must be a string or a list of text parts, not ${value === undefined ? 'missing' : content.unsupported}.`, {
        field: `${at}.${contentKey}`,
      });
    }
    // An empty system prompt is harmless; any other empty turn is a broken record.
    if (role !== 'system' && content.trim() === '') return problems.add('empty-field', `the ${role} message is empty.`, { field: `${at}.${contentKey}` });
    messages.push({ role, content });
  });
  if (problems.errors > errorsBefore) return null;
  checkRoleOrder(messages, list.key, roleKey, problems);
  const tools = reader.tools();
  return { kind: 'chat', messages, ...(tools === undefined ? {} : { tools }) };
}

function alpaca(reader: FieldReader): DatasetRecord | null {
  const instruction = reader.required('instruction');
  const input = reader.optional('input');
  const output = reader.required('output');
  const system = reader.optional('system');
  if (instruction === null || output === null) return null;
  // The common alpaca → chat mapping (LLaMA-Factory, Axolotl): input follows the instruction.
  const user = input.trim() === '' ? instruction : `${instruction}\n\n${input}`;
  return {
    kind: 'chat',
    messages: [
      ...(system.trim() === '' ? [] : [{ role: 'system' as const, content: system }]),
      { role: 'user', content: user },
      { role: 'assistant', content: output },
    ],
  };
}

function promptCompletion(reader: FieldReader): DatasetRecord | null {
  const prompt = reader.required('prompt');
  const completion = reader.required('completion');
  if (prompt === null || completion === null) return null;
  return {
    kind: 'chat',
    messages: [
      { role: 'user', content: prompt },
      { role: 'assistant', content: completion },
    ],
  };
}

const unknownLayoutHint =
  'expected "text", OpenAI "messages", ShareGPT "conversations", alpaca "instruction"/"input"/"output", "prompt"/"completion", or a question/answer pair (question/answer, prompt/response, query/response, problem/solution, input/target, context/response, input/output)';

/** The message of an 'unknown-layout' problem for a record with these fields. */
export function unknownLayoutMessage(value: unknown): string {
  const fields = isObject(value) ? Object.keys(value) : [];
  return `unknown record layout; ${unknownLayoutHint}${fields.length > 0 ? ` (fields found: ${fields.join(', ')})` : ''}. Choose the layout and map the columns.`;
}

/** Convert one source record of layout `format`; null when it has an error (collected in `problems`). */
export function toDatasetRecord(value: unknown, format: DatasetFormat, columns: ColumnMapping, problems: RecordProblems): DatasetRecord | null {
  if (!isObject(value)) return (problems.add('wrong-type', `a record must be an object, not ${describeType(value)}.`), null);
  if (!hasLayoutFields(value, format, columns)) {
    const found = detectFormat(value, columns);
    const message =
      found === null
        ? `the record has none of the fields of the "${format}" layout of this file.`
        : `the record uses the "${found}" layout, not the file's "${format}" layout; use one layout per file.`;
    return (problems.add('unknown-layout', message), null);
  }
  const reader = new FieldReader(value, columns, problems);
  switch (format) {
    case 'text': {
      const text = reader.required('text');
      return text === null ? null : { kind: 'text', text };
    }
    case 'messages':
      return chatTurns(reader, 'messages', turnStyles.messages);
    case 'sharegpt':
      return chatTurns(reader, 'conversations', turnStyles.sharegpt);
    case 'alpaca':
      return alpaca(reader);
    case 'prompt-completion':
      return promptCompletion(reader);
  }
}
