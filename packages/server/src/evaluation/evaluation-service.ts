/**
 * Benchmarks and evaluate jobs on the server side: a benchmark is stored only when every row of
 * its dataset version becomes an item (each bad row is named); a batch queues one evaluate job
 * per model × benchmark, resolved (ids → folders, the benchmark version whole) so the worker
 * needs no database. Results are cached by what produced them — the model's files, the
 * adapter's files, the benchmark version, the limit, quant and kernels — so the same pair again
 * finishes at once, its result saying `cached: true`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiError,
  benchmarkGenerationSchema,
  benchmarkJudgeSchema,
  defaultBenchmarkTemplates,
  evaluateJobConfigSchema,
  evaluateJobResultSchema,
  jobResult,
  jobTypeLabels,
  type Benchmark,
  type BenchmarkPreview,
  type BenchmarkRows,
  type CreateBenchmarkBody,
  type CreateBenchmarkVersionBody,
  type EvaluateJobConfig,
  type EvaluateJobResult,
  type EvaluationBatch,
  type EvaluationBatchCancel,
  type EvaluationComparison,
  type EvaluationReportFormat,
  type EvaluationReportSection,
  type EvaluationSummary,
  type Job,
  type JobStatus,
  type LaunchEvaluationBody,
  type ListEvaluationsQuery,
  type PreviewBenchmarkBody,
} from '@qlora-studio/contracts';
import { checkEngine, EngineError } from '@qlora-studio/engine';
import {
  buildBenchmarkItems,
  type AdapterFineTune,
  type BenchmarkItems,
  type EvaluateJobResolved,
  type ResolvedEvaluateJobConfig,
} from '../jobs/evaluate-config.js';
import type { JobService } from '../jobs/job-service.js';
import type { ResolvedDataset, ResolvedTrainJobConfig } from '../jobs/train-config.js';
import { getAdapterOrThrow } from '../playground/adapters.js';
import { recordActivity } from '../store/activity-repo.js';
import {
  deleteBenchmarkRows,
  evaluateJobIdsOfBatch,
  getBenchmarkOrThrow,
  getCachedEvaluation,
  insertBenchmarkVersion,
  jobsUsingBenchmark,
  listBenchmarks,
  putCachedEvaluation,
} from '../store/benchmarks-repo.js';
import type { Db } from '../store/database.js';
import { getDatasetOrThrow, getVersionOrThrow } from '../store/datasets-repo.js';
import { getJob, jobsWritingTo, listJobs } from '../store/jobs-repo.js';
import { getModelOrThrow } from '../store/models-repo.js';
import { newId } from '../store/rows.js';
import { readJudgeEndpoint } from '../store/settings-repo.js';
import { appVersion } from '../version.js';
import { compareModels, type Comparison, type ComparisonBenchmark, type ModelResult } from './compare.js';
import { renderReport, type RenderedReport, type ReportFormat, type ReportSection } from './report.js';

type Definition = Omit<PreviewBenchmarkBody, 'count'>;

// The contracts' report formats and sections are the report generator's.
const sameFormats: [EvaluationReportFormat, ReportFormat] extends [ReportFormat, EvaluationReportFormat] ? true : never = true;
const sameSections: [EvaluationReportSection, ReportSection] extends [ReportSection, EvaluationReportSection] ? true : never = true;
void sameFormats;
void sameSections;

/** A number the API can send (JSON has no NaN or Infinity): null otherwise. */
const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/** A comparison as the API sends it: a missing value or delta is null. */
function comparisonJson(comparison: Comparison): EvaluationComparison {
  return {
    ...comparison,
    metrics: comparison.metrics.map((m) => ({
      ...m,
      values: m.values.map(finite),
      deltas: m.deltas.map((d) => ({ ...d, delta: finite(d.delta) })),
    })),
  };
}

/** The prompt and reference of each item, as the evaluate job built them. */
function comparisonItems(built: BenchmarkItems): ComparisonBenchmark['items'] {
  return built.task === 'multiple-choice'
    ? built.items.map(({ item }) => ({ prompt: item.prompt, reference: item.choices[item.answer]! }))
    : built.items.map(({ item }) => ({ prompt: item.prompt, reference: item.reference }));
}

/** How many bad rows an error message names before "and N more" (the details list them all). */
const namedProblems = 5;

/** What identifies a folder's files without reading them: names, sizes and modification times (subfolders, e.g. checkpoints, left out). */
function filesIdentity(dir: string): [string, number, number][] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const stat = fs.statSync(path.join(dir, e.name));
      return [e.name, stat.size, Math.round(stat.mtimeMs)] as [string, number, number];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export class EvaluationService {
  constructor(
    private readonly db: Db,
    private readonly workspace: string,
    private readonly jobs: JobService,
  ) {
    // A computed result is cached when its job succeeds (a cached one already is).
    jobs.onSucceeded('evaluate', (job) => {
      const result = jobResult(job, 'evaluate');
      const key = (job.config as Partial<ResolvedEvaluateJobConfig>).resolved?.cacheKey;
      if (result && key && !result.cached) putCachedEvaluation(this.db, key, job.id, result);
    });
  }

  list(): { benchmarks: Benchmark[] } {
    return { benchmarks: listBenchmarks(this.db) };
  }

  get(id: string, version?: number): Benchmark {
    return getBenchmarkOrThrow(this.db, id, version);
  }

  /**
   * Deletes a benchmark with all its versions. Refused while an evaluate job on it is queued or
   * running; finished jobs keep their results (and the cache its entries, keyed by what made them).
   */
  delete(id: string): void {
    const benchmark = getBenchmarkOrThrow(this.db, id);
    const inUse = jobsUsingBenchmark(this.db, id);
    if (inUse.length > 0)
      throw new ApiError(
        'BENCHMARK_IN_USE',
        `Benchmark "${benchmark.name}" is used by evaluate ${inUse.length === 1 ? 'job' : 'jobs'} ${inUse.join(', ')}, which ${inUse.length === 1 ? 'is' : 'are'} still queued or running.`,
      );
    deleteBenchmarkRows(this.db, id);
    recordActivity(this.db, 'benchmark.deleted', `Benchmark "${benchmark.name}" deleted`);
  }

  private dataset(def: Definition): { name: string; resolved: ResolvedDataset } {
    const dataset = getDatasetOrThrow(this.db, def.datasetId);
    const v = getVersionOrThrow(this.db, def.datasetId, def.datasetVersion);
    return {
      name: dataset.name,
      resolved: { id: dataset.id, name: dataset.name, version: v.version, file: v.filePath, parseOptions: v.parseOptions, format: v.format },
    };
  }

  private async items(def: Definition & { template: Benchmark['template'] }, dataset: ResolvedDataset, limit?: number) {
    try {
      return await buildBenchmarkItems(dataset, def, limit);
    } catch (error) {
      // A whole-file problem (the stored file cannot be read any more).
      if (error instanceof EngineError) throw new ApiError('BENCHMARK_INVALID', `"${dataset.name}" v${dataset.version} cannot be read: ${error.message}`);
      throw error;
    }
  }

  /** The first items as the definition renders them, and every row that cannot become one. */
  async preview(body: PreviewBenchmarkBody): Promise<BenchmarkPreview> {
    const { resolved } = this.dataset(body);
    this.checkHeldOutJob(body.rows, resolved);
    const template = body.template ?? defaultBenchmarkTemplates[body.task];
    const built = await this.items({ ...body, template }, resolved);
    const items = built.items
      .slice(0, body.count)
      .map(({ row, location, item }) =>
        'continuations' in item
          ? { row, location, prompt: item.prompt, continuations: item.continuations, target: item.choices[item.answer]! }
          : { row, location, prompt: item.prompt, continuations: [item.continuation], target: item.reference },
      );
    return { rows: built.rows, items, problems: built.problems };
  }

  /** A new benchmark (version 1). */
  create(body: CreateBenchmarkBody): Promise<Benchmark> {
    return this.store(newId('bench'), body.name, body);
  }

  /** An edit: the next version of the benchmark; the old versions stay. */
  createVersion(id: string, body: CreateBenchmarkVersionBody): Promise<Benchmark> {
    const current = getBenchmarkOrThrow(this.db, id);
    return this.store(id, body.name ?? current.name, body);
  }

  private async store(id: string, name: string, def: Definition): Promise<Benchmark> {
    const { resolved } = this.dataset(def);
    this.checkHeldOutJob(def.rows, resolved);
    const template = def.template ?? defaultBenchmarkTemplates[def.task];
    const built = await this.items({ ...def, template }, resolved);
    const where = `"${resolved.name}" v${resolved.version}`;
    if (built.rows === 0) throw new ApiError('BENCHMARK_INVALID', `${where} has no rows: upload a file with at least one row.`);
    if (built.selected === 0) {
      throw new ApiError(
        'BENCHMARK_INVALID',
        `A fine-tune holds out no rows of ${where}: fewer than 2 of its ${built.rows} rows are valid training records under its layout. Use all rows, or fix the dataset's layout (Fine-tune → Datasets).`,
      );
    }
    if (built.problems.length > 0) {
      const more = built.problems.length - namedProblems;
      throw new ApiError(
        'BENCHMARK_INVALID',
        `${built.problems.length} of ${built.selected} ${def.rows?.kind === 'held-out' ? 'held-out ' : ''}rows of ${where} cannot become ${def.task} items: ${built.problems
          .slice(0, namedProblems)
          .map((p) => p.message)
          .join(
            ' ',
          )}${more > 0 ? ` …and ${more} more (listed in the details).` : ''} Fix the field mapping or the template, or fix those rows and upload a new version.`,
        { problems: built.problems },
      );
    }
    return insertBenchmarkVersion(this.db, id, {
      name,
      datasetId: resolved.id,
      datasetVersion: resolved.version,
      datasetName: resolved.name,
      task: def.task,
      fields: def.fields,
      template,
      rows: def.rows ?? { kind: 'all' },
      generation: def.task === 'generate' || def.task === 'judge' ? benchmarkGenerationSchema.parse(def.generation ?? {}) : null,
      judge: def.task === 'judge' ? benchmarkJudgeSchema.parse(def.judge ?? {}) : null,
      items: built.items.length,
    });
  }

  /**
   * A held-out selection that names its fine-tune must be that fine-tune's split of this very
   * dataset version (same ratio and seed), or the benchmark would claim rows the adapter trained on.
   */
  private checkHeldOutJob(rows: BenchmarkRows | undefined, dataset: ResolvedDataset): void {
    if (rows?.kind !== 'held-out' || rows.jobId === undefined) return;
    const refuse = (why: string): never => {
      throw new ApiError('BENCHMARK_INVALID', `The held-out rows name fine-tune ${rows.jobId}, but ${why}`);
    };
    const job = getJob(this.db, rows.jobId);
    if (!job) return refuse('there is no such job: give the id of a fine-tune (Activity lists them), or leave the fine-tune out.');
    if (job.type !== 'train') return refuse(`it is a ${jobTypeLabels[job.type].toLowerCase()} job, not a fine-tune: give the id of a fine-tune.`);
    const config = job.config as Partial<ResolvedTrainJobConfig>;
    const trained = config.resolved?.dataset;
    if (!trained || trained.id !== dataset.id) {
      return refuse(`it trained on ${trained ? `"${trained.name}"` : 'another dataset'}, not on "${dataset.name}": choose the dataset it trained on.`);
    }
    if (trained.version !== dataset.version) {
      return refuse(`it trained on v${trained.version} of "${dataset.name}", not v${dataset.version}: choose dataset version ${trained.version}.`);
    }
    const validation = config.validation;
    if (validation?.kind !== 'split') {
      return refuse(
        `it held out none of its rows (its validation is ${validation?.kind === 'dataset' ? 'another dataset' : 'none'}): evaluate on that dataset, or use all rows.`,
      );
    }
    if (validation.ratio !== rows.ratio || validation.seed !== rows.seed) {
      return refuse(
        `it held out a ratio of ${validation.ratio} with seed ${validation.seed}, not ${rows.ratio} with seed ${rows.seed}: use its ratio and seed, or these rows include some it trained on.`,
      );
    }
  }

  /** The adapter a reference names: a fine-tune's job id, or an adapter / checkpoint folder under the workspace's adapters. */
  private adapter(ref: string, modelId: string, modelName: string): EvaluateJobResolved['adapter'] {
    const job = getJob(this.db, ref);
    if (job) {
      const adapter = getAdapterOrThrow(this.db, ref);
      if (adapter.baseModelId !== modelId) {
        throw new ApiError(
          'EVALUATE_CONFIG_INVALID',
          `The adapter "${adapter.title}" was trained on ${adapter.baseModelName}, not ${modelName}: evaluate it with its own base model.`,
        );
      }
      return { ref, label: adapter.title, path: adapter.path, fineTune: { jobId: ref, title: job.title, step: adapter.steps } };
    }
    const adapters = path.join(this.workspace, 'adapters');
    const dir = path.resolve(adapters, ref);
    const inside = path.relative(adapters, dir);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
      throw new ApiError(
        'EVALUATE_CONFIG_INVALID',
        `"${ref}" is neither a fine-tune job id nor a folder inside the workspace's adapters (${adapters}): give a fine-tune's id or one of its adapter or checkpoint folders.`,
      );
    }
    if (!fs.existsSync(path.join(dir, 'adapter_config.json'))) {
      throw new ApiError(
        'EVALUATE_CONFIG_INVALID',
        `${dir} holds no adapter (no adapter_config.json): give a fine-tune's adapter folder or one of its checkpoint-N folders.`,
      );
    }
    const fineTune = this.fineTuneOf(dir);
    if (fineTune && fineTune.modelId !== modelId) {
      throw new ApiError(
        'EVALUATE_CONFIG_INVALID',
        `The adapter in ${dir} was trained on ${fineTune.modelName}, not ${modelName}: evaluate it with its own base model.`,
      );
    }
    return { ref, label: inside.split(path.sep).join('/'), path: dir, fineTune: fineTune?.identity ?? null };
  }

  /**
   * The fine-tune that wrote an adapter folder — its output folder, or a `checkpoint-N` inside
   * it — with the step the folder holds; the newest such job when a resume wrote there too.
   */
  private fineTuneOf(dir: string): { identity: AdapterFineTune; modelId: string; modelName: string } | null {
    const checkpoint = /^checkpoint-(\d+)$/.exec(path.basename(dir));
    const outputDir = checkpoint ? path.dirname(dir) : dir;
    const job = jobsWritingTo(this.db, outputDir)
      .map((id) => getJob(this.db, id))
      .filter((j) => j !== null)
      .at(-1);
    if (!job) return null;
    const config = job.config as Partial<ResolvedTrainJobConfig>;
    const steps = jobResult(job, 'train')?.steps ?? null;
    return {
      identity: { jobId: job.id, title: job.title, step: checkpoint ? Number(checkpoint[1]) : steps },
      modelId: config.modelId ?? '',
      modelName: config.resolved?.modelName ?? 'another model',
    };
  }

  /** An evaluate job's config resolved for the worker, with its cache key. */
  private resolve(config: EvaluateJobConfig): ResolvedEvaluateJobConfig {
    const model = getModelOrThrow(this.db, config.modelId);
    const benchmark = getBenchmarkOrThrow(this.db, config.benchmarkId, config.benchmarkVersion);
    const v = getVersionOrThrow(this.db, benchmark.datasetId, benchmark.datasetVersion);
    const adapter = config.adapter ? this.adapter(config.adapter, model.id, model.name) : null;
    if (!fs.existsSync(model.path)) {
      throw new ApiError('EVALUATE_CONFIG_INVALID', `The files of ${model.name} are gone from ${model.path}: register the model again, or choose another.`);
    }
    const kernels = config.quant === 'nf4' ? config.kernels : null;
    // A judge benchmark needs the judge endpoint; its address and model (never the key) travel
    // with the job and key its cache, as do the rubric and pass mark (part of the benchmark version).
    let judge: EvaluateJobResolved['judge'] = null;
    if (benchmark.task === 'judge') {
      const endpoint = readJudgeEndpoint(this.db);
      if (!endpoint) {
        throw new ApiError(
          'JUDGE_NOT_CONFIGURED',
          `"${benchmark.name}" is a judge benchmark, and no judge endpoint is configured: set one in Settings → Connections.`,
        );
      }
      judge = { baseUrl: endpoint.baseUrl, model: endpoint.model };
    }
    const cacheKey = createHash('sha256')
      .update(
        JSON.stringify({
          model: filesIdentity(model.path),
          adapter: adapter ? filesIdentity(adapter.path) : null,
          benchmark: [benchmark.id, benchmark.version],
          limit: config.limit ?? null,
          quant: config.quant,
          kernels,
          ...(judge ? { judge: [judge.baseUrl, judge.model, benchmark.judge?.rubric ?? null, benchmark.judge?.passMark ?? null] } : {}),
        }),
      )
      .digest('hex');
    const resolved: EvaluateJobResolved = {
      modelDir: model.path,
      modelName: model.name,
      adapter,
      benchmark,
      dataset: { id: benchmark.datasetId, name: benchmark.datasetName, version: v.version, file: v.filePath, parseOptions: v.parseOptions, format: v.format },
      cacheKey,
      judge,
    };
    return { ...config, benchmarkVersion: benchmark.version, resolved };
  }

  /**
   * Queue one evaluate job, or — when the same pair was evaluated before with the same files and
   * settings — record it as succeeded at once with the cached result (`cached: true`).
   */
  launchOne(input: EvaluateJobConfig, title?: string, parentId: string | null = null): Job {
    const config = this.resolve(evaluateJobConfigSchema.parse(input));
    const body = { type: 'evaluate' as const, config, ...(title ? { title } : {}) };
    const cached = getCachedEvaluation(this.db, config.resolved.cacheKey);
    const result = cached ? evaluateJobResultSchema.safeParse(cached.result) : null;
    if (!cached || !result?.success) return this.jobs.create(body, parentId);
    const job = this.jobs.create(body, parentId);
    this.jobs.setStatus(job.id, 'running');
    this.jobs.recordWorkerEvent(job.id, {
      kind: 'log',
      level: 'info',
      message: `The same model files, adapter, benchmark version and settings were evaluated by job ${cached.jobId}: its result is reused (cached).`,
    });
    const reused: EvaluateJobResult = { ...result.data, cached: true, cachedFrom: cached.jobId };
    this.jobs.recordWorkerEvent(job.id, { kind: 'result', data: reused });
    return this.jobs.setStatus(job.id, 'succeeded');
  }

  /** Models × benchmarks, one job each, as one batch; every pair is checked before any is queued. */
  launch(body: LaunchEvaluationBody): EvaluationBatch {
    const batchId = newId('batch');
    const configs = body.models.flatMap((m) =>
      body.benchmarks.map((b) =>
        evaluateJobConfigSchema.parse({
          benchmarkId: b.id,
          ...(b.version !== undefined ? { benchmarkVersion: b.version } : {}),
          modelId: m.modelId,
          ...(m.adapter ? { adapter: m.adapter } : {}),
          quant: body.quant,
          kernels: body.kernels,
          ...(body.limit !== undefined ? { limit: body.limit } : {}),
          batchId,
        }),
      ),
    );
    configs.forEach((config) => this.resolve(config)); // a bad pair refuses the whole batch
    return { batchId, jobs: configs.map((config) => this.launchOne(config)) };
  }

  /** A batch's evaluate jobs, oldest first (EVALUATION_BATCH_NOT_FOUND when it has none). */
  private batchJobs(batchId: string): Job[] {
    const jobs = evaluateJobIdsOfBatch(this.db, batchId).flatMap((id) => getJob(this.db, id) ?? []);
    if (jobs.length === 0) {
      throw new ApiError(
        'EVALUATION_BATCH_NOT_FOUND',
        `No evaluate jobs belong to batch "${batchId}": list the evaluations (GET /api/evaluations) to see the batches.`,
      );
    }
    return jobs;
  }

  /**
   * Cancels every queued or running job of a batch through the jobs' own cancel: a queued job is
   * canceled at once, a running one is asked to stop (`stop`, the runner's cancel). Finished jobs
   * keep their results. Queued jobs go first, so a slot freed by a stopping job cannot start one
   * of them.
   */
  cancelBatch(batchId: string, stop: (jobId: string) => void): EvaluationBatchCancel {
    const active = this.batchJobs(batchId).filter((job) => job.status === 'queued' || job.status === 'running');
    const ordered = [...active.filter((job) => job.status === 'queued'), ...active.filter((job) => job.status === 'running')];
    for (const job of ordered) {
      this.jobs.requestCancel(job.id);
      stop(job.id);
    }
    return { batchId, canceled: ordered.length, jobs: this.batchJobs(batchId) };
  }

  /**
   * Queues again, in the same batch, each pair (model, adapter, benchmark version) whose newest
   * job failed, was canceled or was interrupted; the new job names that one as its parent, as a
   * job retry does. Each is resolved afresh (its model or adapter may be gone: then nothing is
   * queued) and may come from the cache when another batch computed the pair meanwhile.
   */
  retryBatch(batchId: string): EvaluationBatch {
    const jobs = this.batchJobs(batchId);
    const newest = new Map<string, Job>();
    for (const job of jobs) {
      const c = job.config as Partial<ResolvedEvaluateJobConfig>;
      newest.set(JSON.stringify([c.modelId, c.adapter ?? null, c.benchmarkId, c.benchmarkVersion ?? null]), job); // oldest first: the newest wins
    }
    const retryable: JobStatus[] = ['failed', 'canceled', 'interrupted'];
    const retry = [...newest.values()].filter((job) => retryable.includes(job.status));
    if (retry.length === 0) {
      const active = [...newest.values()].filter((job) => job.status === 'queued' || job.status === 'running').length;
      throw new ApiError(
        'EVALUATION_BATCH_NOT_RETRYABLE',
        active > 0
          ? `No job of batch "${batchId}" failed or was canceled; ${active} ${active === 1 ? 'is' : 'are'} still queued or running: wait for ${active === 1 ? 'it' : 'them'} to finish.`
          : `Every pair of batch "${batchId}" succeeded: there is nothing to retry. Launch the batch again to evaluate anew (an unchanged pair comes from the cache).`,
      );
    }
    const configs = retry.map((job) => {
      const { resolved: _resolved, ...config } = job.config as ResolvedEvaluateJobConfig;
      return { job, config: evaluateJobConfigSchema.parse(config) };
    });
    configs.forEach(({ config }) => this.resolve(config)); // a pair that cannot run refuses the whole retry
    return { batchId, jobs: configs.map(({ job, config }) => this.launchOne(config, job.title, job.id)) };
  }

  /**
   * Evaluate jobs compared on their benchmark version, the first the base: each must have
   * succeeded, and all must share the benchmark version and limit (so they scored the same items).
   */
  async compareJobs(jobIds: readonly string[]): Promise<Comparison> {
    const refuse = (message: string): never => {
      throw new ApiError('EVALUATION_COMPARE_INVALID', message);
    };
    if (jobIds.length < 2) refuse('A comparison needs at least two evaluate jobs: the base first, then the ones to compare with it.');
    const twice = jobIds.find((id, i) => jobIds.indexOf(id) !== i);
    if (twice) refuse(`Job ${twice} is listed twice: list each evaluate job once.`);
    const runs = jobIds.map((id) => {
      const job = getJob(this.db, id);
      if (!job) return refuse(`There is no job ${id}: list the evaluations to see the evaluate jobs that exist.`);
      if (job.type !== 'evaluate') return refuse(`Job ${id} ("${job.title}") is a ${job.type} job, not an evaluation: choose evaluate jobs only.`);
      if (job.status !== 'succeeded') {
        return refuse(
          `The evaluation "${job.title}" (${id}) is ${job.status}, not succeeded: compare only evaluations that finished; run it again if it failed.`,
        );
      }
      const result = jobResult(job, 'evaluate');
      const resolved = (job.config as Partial<ResolvedEvaluateJobConfig>).resolved;
      if (!result || !resolved?.dataset) return refuse(`The evaluation "${job.title}" (${id}) holds no readable result: evaluate the model again.`);
      return { job, result, resolved };
    });
    const base = runs[0]!;
    const bench = base.result.benchmark;
    for (const run of runs.slice(1)) {
      const other = run.result.benchmark;
      if (other.id !== bench.id || other.version !== bench.version) {
        refuse(
          `"${run.job.title}" was evaluated on "${other.name}" v${other.version}, the base "${base.job.title}" on "${bench.name}" v${bench.version}: compare evaluations of one benchmark version only.`,
        );
      }
      if (run.result.limit !== base.result.limit) {
        const limit = (l: number | null): string => (l === null ? 'every item' : `the first ${l} items`);
        refuse(
          `"${run.job.title}" scored ${limit(run.result.limit)}, the base "${base.job.title}" ${limit(base.result.limit)}: compare evaluations with the same limit (evaluate again with the base's limit).`,
        );
      }
    }
    let built: BenchmarkItems;
    try {
      built = await buildBenchmarkItems(base.resolved.dataset, base.resolved.benchmark ?? { ...bench }, base.result.limit ?? undefined);
    } catch (error) {
      if (error instanceof EngineError) {
        refuse(
          `The items of "${bench.name}" v${bench.version} cannot be read again from its dataset version: ${error.message} The comparison needs their prompts.`,
        );
      }
      throw error;
    }
    const items = comparisonItems(built!);
    if (built!.problems.length > 0 || items.length !== base.result.items.length) {
      refuse(
        `The dataset file of "${bench.name}" v${bench.version} no longer gives the ${base.result.items.length} items that were evaluated: create a new benchmark version and evaluate again.`,
      );
    }
    // Labels name the model and adapter; settings tell apart runs of the same one.
    const names = runs.map(({ result }) => (result.adapter ? `${result.model.name} + ${result.adapter.label}` : result.model.name));
    const settingsText = runs.map(({ result }) => (result.quant === 'nf4' ? `nf4, ${result.kernels ?? 'fast'} kernels` : 'float32'));
    const labels = names.map((name, i) => (names.filter((n) => n === name).length > 1 ? `${name} (${settingsText[i]})` : name));
    const unique = labels.map((label, i) => (labels.filter((l) => l === label).length > 1 ? `${label} · ${runs[i]!.job.id}` : label));
    const models: ModelResult[] = runs.map(({ job, result }, i) => ({
      label: unique[i]!,
      result: { metrics: result.metrics, items: result.items },
      quant: result.quant,
      kernels: result.quant === 'nf4' ? (result.kernels ?? 'fast') : 'float32',
      settings: {
        job: job.id,
        title: job.title,
        model: result.model.name,
        adapter: result.adapter?.label ?? null,
        limit: result.limit,
        ...(result.benchmark.generation ? { maxNewTokens: result.benchmark.generation.maxNewTokens } : {}),
        cached: result.cached,
        ...(result.cachedFrom ? { cachedFrom: result.cachedFrom } : {}),
      },
    }));
    try {
      return compareModels({ name: bench.name, task: bench.task, version: bench.version, items }, models);
    } catch (error) {
      return refuse(`These evaluations cannot be compared: ${(error as Error).message}`);
    }
  }

  /** The comparison as the API sends it. */
  async compare(jobIds: readonly string[]): Promise<EvaluationComparison> {
    return comparisonJson(await this.compareJobs(jobIds));
  }

  /** The comparison as a report file: made now, with the versions of the app and ONNX Runtime. */
  async report(jobIds: readonly string[], format: ReportFormat, sections?: readonly ReportSection[]): Promise<RenderedReport> {
    const comparison = await this.compareJobs(jobIds);
    const engine = await checkEngine();
    const versions: Record<string, string> = { 'QLoRA Studio': appVersion, ...(engine.onnxruntime ? { 'ONNX Runtime': engine.onnxruntime } : {}) };
    return renderReport(comparison, format, { generatedAt: new Date().toISOString(), versions, ...(sections ? { sections } : {}) });
  }

  /** Evaluate jobs with their metrics, newest first. */
  results(query: ListEvaluationsQuery): { evaluations: EvaluationSummary[] } {
    const evaluations = listJobs(this.db, { type: 'evaluate', limit: 500 })
      .flatMap((job): EvaluationSummary[] => {
        const config = job.config as Partial<ResolvedEvaluateJobConfig>;
        const resolved = config.resolved;
        if (!resolved?.benchmark || !config.modelId) return [];
        if (query.batchId && config.batchId !== query.batchId) return [];
        if (query.benchmarkId && resolved.benchmark.id !== query.benchmarkId) return [];
        if (query.modelId && config.modelId !== query.modelId) return [];
        const result = jobResult(job, 'evaluate');
        const quant = config.quant ?? 'nf4';
        return [
          {
            jobId: job.id,
            batchId: config.batchId ?? null,
            title: job.title,
            status: job.status,
            progress: job.progress,
            error: job.error,
            parentId: job.parentId,
            benchmark: { id: resolved.benchmark.id, name: resolved.benchmark.name, version: resolved.benchmark.version, task: resolved.benchmark.task },
            model: { id: config.modelId, name: resolved.modelName },
            adapter: resolved.adapter ? { ref: resolved.adapter.ref, label: resolved.adapter.label, fineTune: resolved.adapter.fineTune ?? null } : null,
            quant,
            kernels: quant === 'nf4' ? (config.kernels ?? 'fast') : null,
            limit: config.limit ?? null,
            metrics: result?.metrics ?? null,
            cached: result?.cached ?? false,
            createdAt: job.createdAt,
            finishedAt: job.finishedAt,
          },
        ];
      })
      .slice(0, query.limit);
    return { evaluations };
  }
}
