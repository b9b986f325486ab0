/** Collecting the problems of one record: readers, layouts and the report all add to one list. */
import type { DatasetProblem, DatasetProblemKind } from '@qlora-studio/contracts';

export class RecordProblems {
  /** Errors added so far: a record with any is left out (null). */
  errors = 0;

  constructor(
    readonly record: number,
    readonly location: string,
    private readonly out: DatasetProblem[],
  ) {}

  add(kind: DatasetProblemKind, message: string, options: { field?: string; severity?: 'error' | 'warning' } = {}): void {
    const severity = options.severity ?? 'error';
    if (severity === 'error') this.errors++;
    this.out.push({ kind, record: this.record, location: this.location, ...(options.field === undefined ? {} : { field: options.field }), message, severity });
  }
}

/** "a number", "an array", "null": how a wrong value is named in messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
