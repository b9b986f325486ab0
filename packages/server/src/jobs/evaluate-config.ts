/**
 * An evaluate job's config as the server queues it and the worker reads it (the user's settings
 * plus what the server resolved: ids → folders and files), and how a benchmark's rows become
 * items — the same on both sides, so what the server validated is what the worker runs. Shared
 * by both sides of the process boundary, so it imports nothing of either.
 */
import type { Benchmark, BenchmarkProblem, BenchmarkRows, EvaluateJobConfig } from '@qlora-studio/contracts';
import { EngineError, multipleChoiceItem, readDatasetFile, readDatasetRows, referenceItem, type EvalFields, type EvalTemplate } from '@qlora-studio/engine';
import { splitIndices, type ResolvedDataset } from './train-config.js';

/** The fine-tune that wrote an adapter folder, and the training step the folder holds. */
export interface AdapterFineTune {
  jobId: string;
  title: string;
  /** The checkpoint's step, or the fine-tune's last step for its final adapter (null when unknown). */
  step: number | null;
}

/** What the server resolved when the job was queued. */
export interface EvaluateJobResolved {
  modelDir: string;
  modelName: string;
  /** The adapter: what the user named (`ref`), a label for lists, and its folder. */
  adapter: { ref: string; label: string; path: string; fineTune?: AdapterFineTune | null } | null;
  /** The benchmark version, whole: the worker needs no database. */
  benchmark: Benchmark;
  dataset: ResolvedDataset;
  /** The results cache key (see evaluation/evaluation-service.ts). */
  cacheKey: string;
  /** judge benchmarks: the endpoint and model that judge (the API key stays in the database; the runner sends it in the start message, see protocol.ts). */
  judge?: { baseUrl: string; model: string } | null;
}

export type ResolvedEvaluateJobConfig = EvaluateJobConfig & { resolved: EvaluateJobResolved };

type MultipleChoiceItem = ReturnType<typeof multipleChoiceItem>;
type ReferenceItem = ReturnType<typeof referenceItem>;

/**
 * A benchmark's items from its dataset's rows: every row that cannot become one is a problem (the
 * row is left out). `rows` counts the dataset version's rows, `selected` those the benchmark reads
 * (all of them, or the held-out ones); `row` is always the row's index in the dataset version.
 */
type Built<T extends string, I> = {
  task: T;
  rows: number;
  selected: number;
  items: { row: number; location: string; item: I }[];
  problems: BenchmarkProblem[];
};
export type BenchmarkItems = Built<'multiple-choice', MultipleChoiceItem> | Built<'generate' | 'loss' | 'judge', ReferenceItem>;

/** The definition part of a benchmark that builds its items (`rows` absent: every row, as before migration 7). */
export type BenchmarkDefinitionParts = Pick<Benchmark, 'task' | 'fields' | 'template'> & { rows?: BenchmarkRows | undefined };

/**
 * The dataset rows a fine-tune with `validation: {kind: 'split', ratio, seed}` held out, as row
 * indices in the file. Training splits the records that parse under the dataset version's
 * training layout (rows with a problem are dropped first, see worker/train-handler.ts), so the
 * split is computed over those same valid records with the same function, then mapped back to
 * their rows: a benchmark over the held-out rows never scores a row the adapter trained on.
 */
export async function heldOutRows(dataset: Pick<ResolvedDataset, 'file' | 'parseOptions'>, ratio: number, seed: number): Promise<number[]> {
  const parsed = await readDatasetFile(dataset.file, dataset.parseOptions);
  const valid = parsed.records.flatMap((record, row) => (record === null ? [] : [row]));
  return splitIndices(valid.length, ratio, seed).held.map((i) => valid[i]!);
}

/**
 * Read a dataset version's rows and build the items of the rows the benchmark selects. `limit`
 * keeps the first that many selected rows (a limited job scores no more).
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
  const selection = def.rows?.kind === 'held-out' ? await heldOutRows(dataset, def.rows.ratio, def.rows.seed) : null;
  const chosen = selection ? selection.map((row) => ({ row, entry: source.entries[row]! })) : source.entries.map((entry, row) => ({ row, entry }));
  const entries = chosen.slice(0, limit ?? chosen.length);
  const fields: EvalFields = {
    question: def.fields.question,
    answer: def.fields.answer,
    ...(def.fields.choices !== undefined ? { choices: def.fields.choices } : {}),
  };
  const template: EvalTemplate = def.template;
  const problems: BenchmarkProblem[] = [];
  const build = <T>(make: (row: Record<string, unknown>, where: string) => T): { row: number; location: string; item: T }[] =>
    entries.flatMap(({ row, entry }) => {
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
  const counts = { rows: source.entries.length, selected: entries.length };
  return def.task === 'multiple-choice'
    ? { task: def.task, ...counts, items: build((row, where) => multipleChoiceItem(row, fields, template, where)), problems }
    : { task: def.task, ...counts, items: build((row, where) => referenceItem(row, fields, template, where)), problems };
}
