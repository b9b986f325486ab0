/**
 * An evaluate job's config as the server queues it and the worker reads it (the user's settings
 * plus what the server resolved: ids → folders and files), and how a benchmark's rows become
 * items — the same on both sides, so what the server validated is what the worker runs. Shared
 * by both sides of the process boundary, so it imports nothing of either.
 */
import type { Benchmark, BenchmarkProblem, EvaluateJobConfig } from '@qlora-studio/contracts';
import { EngineError, multipleChoiceItem, readDatasetRows, referenceItem, type EvalFields, type EvalTemplate } from '@qlora-studio/engine';
import type { ResolvedDataset } from './train-config.js';

/** What the server resolved when the job was queued. */
export interface EvaluateJobResolved {
  modelDir: string;
  modelName: string;
  /** The adapter: what the user named (`ref`), a label for lists, and its folder. */
  adapter: { ref: string; label: string; path: string } | null;
  /** The benchmark version, whole: the worker needs no database. */
  benchmark: Benchmark;
  dataset: ResolvedDataset;
  /** The results cache key (see evaluation/evaluation-service.ts). */
  cacheKey: string;
}

export type ResolvedEvaluateJobConfig = EvaluateJobConfig & { resolved: EvaluateJobResolved };

type MultipleChoiceItem = ReturnType<typeof multipleChoiceItem>;
type ReferenceItem = ReturnType<typeof referenceItem>;

/** A benchmark's items from its dataset's rows: every row that cannot become one is a problem (the row is left out). */
export type BenchmarkItems =
  | { task: 'multiple-choice'; rows: number; items: { row: number; location: string; item: MultipleChoiceItem }[]; problems: BenchmarkProblem[] }
  | { task: 'generate' | 'loss' | 'judge'; rows: number; items: { row: number; location: string; item: ReferenceItem }[]; problems: BenchmarkProblem[] };

/** The definition part of a benchmark that builds its items. */
export type BenchmarkDefinitionParts = Pick<Benchmark, 'task' | 'fields' | 'template'>;

/**
 * Read a dataset version's rows and build the items. `limit` stops after that many rows (the
 * preview and a limited job read no further).
 */
export async function buildBenchmarkItems(
  dataset: Pick<ResolvedDataset, 'file' | 'parseOptions'>,
  def: BenchmarkDefinitionParts,
  limit?: number,
): Promise<BenchmarkItems> {
  const source = await readDatasetRows(dataset.file, {
    ...(dataset.parseOptions.fileType ? { fileType: dataset.parseOptions.fileType } : {}),
    ...(dataset.parseOptions.separator ? { separator: dataset.parseOptions.separator } : {}),
  });
  const entries = source.entries.slice(0, limit ?? source.entries.length);
  const fields: EvalFields = {
    question: def.fields.question,
    answer: def.fields.answer,
    ...(def.fields.choices !== undefined ? { choices: def.fields.choices } : {}),
  };
  const template: EvalTemplate = def.template;
  const problems: BenchmarkProblem[] = [];
  const build = <T>(make: (row: Record<string, unknown>, where: string) => T): { row: number; location: string; item: T }[] =>
    entries.flatMap((entry, row) => {
      const location = entry.location;
      if (entry.problem) return (problems.push({ row, location, message: `${location}: ${entry.problem.message}` }), []);
      if (typeof entry.value !== 'object' || entry.value === null || Array.isArray(entry.value)) {
        return (problems.push({ row, location, message: `${location}: is not a record with fields; each row needs the fields the mapping names.` }), []);
      }
      try {
        return [{ row, location, item: make(entry.value as Record<string, unknown>, location) }];
      } catch (error) {
        if (error instanceof EngineError) return (problems.push({ row, location, message: error.message }), []);
        throw error;
      }
    });
  return def.task === 'multiple-choice'
    ? { task: def.task, rows: entries.length, items: build((row, where) => multipleChoiceItem(row, fields, template, where)), problems }
    : { task: def.task, rows: entries.length, items: build((row, where) => referenceItem(row, fields, template, where)), problems };
}
