/**
 * Evaluation items from dataset rows: the prompt a template writes from a row's fields, the
 * choices and the answer of a multiple-choice question, the reference of a generation. Rows come
 * as read from any dataset file (`readDatasetRows`); a field that is missing or malformed throws
 * an INVALID_ARGUMENT naming the row and the field.
 */
import { EngineError } from '../errors.js';

/** How a row becomes text: the prompt, and the continuation scored or generated after it. */
export interface EvalTemplate {
  /** `{field}` placeholders are the row's fields; `{question}` is the question field's. */
  prompt: string;
  /** A choice (`{choice}`) or a reference answer (`{answer}`) after the prompt. */
  continuation: string;
}

/** lm-evaluation-harness's default multiple-choice prompt: the choice follows a space. */
export const DEFAULT_MULTIPLE_CHOICE_TEMPLATE: EvalTemplate = { prompt: 'Question: {question}\nAnswer:', continuation: ' {choice}' };
/** The default for generation and loss: the question as it is, the reference after a space. */
export const DEFAULT_GENERATE_TEMPLATE: EvalTemplate = { prompt: 'Question: {question}\nAnswer:', continuation: ' {answer}' };

/** Which row fields hold what. `choices` is one field (a list, or a JSON list) or one field per choice. */
export interface EvalFields {
  question: string;
  choices?: string | string[];
  answer: string;
}

export interface MultipleChoiceItem {
  prompt: string;
  /** The choices' texts, as continuations (the template's `{choice}` filled). */
  continuations: string[];
  /** The choices as given (letter prefixes such as "A)" taken off). */
  choices: string[];
  answer: number;
}

export interface ReferenceItem {
  prompt: string;
  /** The reference answer as given. */
  reference: string;
  /** The template's continuation with the reference filled in: what the loss task scores. */
  continuation: string;
}

function fail(where: string, why: string): never {
  throw new EngineError('INVALID_ARGUMENT', `${where}: ${why}`);
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** The row's field as text, or an error naming it. */
function field(row: Record<string, unknown>, name: string, where: string): string {
  if (!(name in row)) fail(where, `has no field "${name}" (fields: ${Object.keys(row).join(', ') || 'none'}).`);
  const text = asText(row[name]);
  if (text === null) fail(where, `field "${name}" is ${JSON.stringify(row[name])}, not text.`);
  return text;
}

/** Fills `{name}` placeholders: `values` first, then the row's fields. A placeholder naming neither is an error. */
export function fillTemplate(template: string, row: Record<string, unknown>, values: Record<string, string>, where: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? field(row, name, `${where} (the template's {${name}})`));
}

const LETTER_PREFIX = /^\s*\(?([A-Za-z])\s*[).:]\s*/;

/** Choices without their "A)", "(B)", "C." prefixes, when every choice has the next letter in order. */
function stripLetters(choices: string[]): string[] {
  const letters = choices.map((c) => LETTER_PREFIX.exec(c)?.[1]?.toUpperCase());
  const ordered = letters.every((l, i) => l === String.fromCharCode(65 + i));
  return ordered ? choices.map((c) => c.replace(LETTER_PREFIX, '')) : choices;
}

function readChoices(row: Record<string, unknown>, spec: string | string[], where: string): string[] {
  if (Array.isArray(spec)) return spec.map((name) => field(row, name, where));
  if (!(spec in row)) fail(where, `has no field "${spec}" (fields: ${Object.keys(row).join(', ') || 'none'}).`);
  let value = row[spec];
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      value = JSON.parse(value);
    } catch {
      // Not JSON: one choice a line, below.
    }
  }
  if (typeof value === 'string') value = value.split('\n').filter((line) => line.trim() !== '');
  if (!Array.isArray(value) || value.length < 2) fail(where, `field "${spec}" must list two choices or more, not ${JSON.stringify(value)}.`);
  return value.map((v, i) => asText(v) ?? fail(where, `choice ${i + 1} of "${spec}" is ${JSON.stringify(v)}, not text.`));
}

/**
 * The answer's index. A JSON number is an index (from 0). Text is first a choice's own text
 * (so "4" among choices "3", "4", "5" is the second), then an index in digits, then a letter
 * (A is the first).
 */
function readAnswer(row: Record<string, unknown>, name: string, given: string[], stripped: string[], where: string): number {
  const raw = row[name];
  const text = field(row, name, where).trim();
  const outOfRange = (): never =>
    fail(
      where,
      `answer ${JSON.stringify(raw)} is no choice: there are ${given.length} (0–${given.length - 1}, or A–${String.fromCharCode(64 + given.length)}).`,
    );
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw < given.length ? raw : outOfRange();
  const byText = stripped.findIndex((c) => c.trim() === text);
  if (byText >= 0) return byText;
  const byGivenText = given.findIndex((c) => c.trim() === text);
  if (byGivenText >= 0) return byGivenText;
  const index = /^\d+$/.test(text) ? Number(text) : /^[A-Za-z]$/.test(text) ? text.toUpperCase().charCodeAt(0) - 65 : -1;
  if (index >= given.length) outOfRange();
  if (index < 0)
    fail(where, `answer ${JSON.stringify(text)} is none of the choices (${stripped.map((c) => JSON.stringify(c)).join(', ')}), nor an index or a letter.`);
  return index;
}

/** A multiple-choice item from a row; `where` names the row in errors (e.g. "line 3"). */
export function multipleChoiceItem(row: Record<string, unknown>, fields: EvalFields, template: EvalTemplate, where: string): MultipleChoiceItem {
  if (!fields.choices) fail(where, 'a multiple-choice task needs the choices field.');
  const given = readChoices(row, fields.choices, where);
  const choices = stripLetters(given);
  const answer = readAnswer(row, fields.answer, given, choices, where);
  const prompt = fillTemplate(template.prompt, row, { question: field(row, fields.question, where) }, where);
  return { prompt, continuations: choices.map((choice) => fillTemplate(template.continuation, row, { choice }, where)), choices, answer };
}

/** A generation or loss item from a row: the prompt and its reference answer. */
export function referenceItem(row: Record<string, unknown>, fields: EvalFields, template: EvalTemplate, where: string): ReferenceItem {
  const reference = field(row, fields.answer, where);
  const prompt = fillTemplate(template.prompt, row, { question: field(row, fields.question, where) }, where);
  return { prompt, reference, continuation: fillTemplate(template.continuation, row, { answer: reference }, where) };
}
