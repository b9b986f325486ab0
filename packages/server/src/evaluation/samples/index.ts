/**
 * The built-in sample benchmarks: listed with their licence, and made into a benchmark on
 * request — the sample's rows stored as a JSONL dataset through the dataset service (read and
 * checked as an upload is), then a benchmark created from it with the sample's definition.
 *
 * Creating the same sample twice reuses its dataset when an upload of the sample with identical
 * bytes (same file name and SHA-256) is still stored, so repeated clicks do not pile up copies;
 * when the sample changed (a newer app) or its dataset was deleted, a new dataset is stored.
 * Each call creates a new benchmark: benchmarks are cheap, and the user may name them apart.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ApiError, createBenchmarkBodySchema, type Benchmark, type BenchmarkSample, type CreateSampleBenchmarkBody } from '@qlora-studio/contracts';
import type { AppContext } from '../../context.js';
import { listDatasets } from '../../store/datasets-repo.js';
import { arithmeticChoiceSample } from './arithmetic-choice.js';
import { everydayQaSample } from './everyday-qa.js';
import type { SampleBenchmark } from './sample.js';
import { shortAnswersSample } from './short-answers.js';

export const sampleBenchmarks: readonly SampleBenchmark[] = [arithmeticChoiceSample, shortAnswersSample, everydayQaSample];

/** What the list shows of a sample. */
function summary({ rows, definition: _definition, ...sample }: SampleBenchmark): BenchmarkSample {
  return { ...sample, items: rows.length };
}

export function listSampleBenchmarks(): { samples: BenchmarkSample[] } {
  return { samples: sampleBenchmarks.map(summary) };
}

export function getSampleBenchmark(id: string): SampleBenchmark {
  const sample = sampleBenchmarks.find((s) => s.id === id);
  if (!sample) {
    throw new ApiError(
      'BENCHMARK_SAMPLE_NOT_FOUND',
      `There is no built-in sample "${id}"; the samples are ${sampleBenchmarks.map((s) => `"${s.id}"`).join(', ')}.`,
    );
  }
  return sample;
}

/** The sample as the dataset file stored for it: one JSON object per line. */
export function sampleFile(sample: SampleBenchmark): { fileName: string; bytes: Buffer } {
  return { fileName: `${sample.id}.jsonl`, bytes: Buffer.from(sample.rows.map((row) => JSON.stringify(row)).join('\n') + '\n', 'utf8') };
}

/** The dataset holding the sample's rows: a stored upload of the same bytes, or a new upload. */
async function sampleDataset(ctx: AppContext, sample: SampleBenchmark): Promise<string> {
  const { fileName, bytes } = sampleFile(sample);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const stored = listDatasets(ctx.db).find(
    (d) => d.source === 'upload' && d.sourceRef === fileName && d.latest.sha256 === sha256 && Object.keys(d.latest.parseOptions).length === 0,
  );
  if (stored) return stored.id;
  const dataset = await ctx.datasets.upload(Readable.from([bytes]), { fileName, name: sample.name });
  return dataset.id;
}

/** Stores the sample's data as a dataset (or reuses it, see above) and creates a benchmark of it. */
export async function createSampleBenchmark(ctx: AppContext, sampleId: string, body: CreateSampleBenchmarkBody): Promise<Benchmark> {
  const sample = getSampleBenchmark(sampleId);
  const datasetId = await sampleDataset(ctx, sample);
  const { fields, template, generation } = sample.definition;
  return ctx.evaluation.create(
    createBenchmarkBodySchema.parse({
      name: body.name ?? sample.name,
      datasetId,
      task: sample.task,
      fields,
      ...(template ? { template } : {}),
      ...(generation ? { generation } : {}),
    }),
  );
}
