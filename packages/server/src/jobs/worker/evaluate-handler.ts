/**
 * The evaluate job inside its worker process: build the benchmark's items from its dataset
 * version, load the model (with its adapter) with the chosen quant and kernels, run the task
 * with progress per item (cancel stops between items), and return the metrics and items with
 * what produced them.
 */
import { benchmarkJudgeSchema, type EvaluateJobResult } from '@qlora-studio/contracts';
import {
  EngineError,
  evaluateGenerate,
  evaluateLoss,
  evaluateMultipleChoice,
  loadCausalLM,
  loadModelFolder,
  readDatasetRows,
  readLoraAdapter,
  type EvalResult,
  type JobContext,
} from '@qlora-studio/engine';
import type { WorkerSecrets } from '../protocol.js';
import { judgeAnswers, judgeMetrics, workerJudgeEndpoint } from './judge.js';
import { buildBenchmarkItems, type BenchmarkItems, type ResolvedEvaluateJobConfig } from '../evaluate-config.js';

/**
 * The judge half of a judge benchmark: each generated answer is scored by the judge endpoint
 * (the key sent by the server when it started the job, never in the config). Per item: `correct` is a
 * pass, `prediction` the score, `output` the answer, `judge` the score and the judge's reply.
 */
async function judgeGenerated(
  config: ResolvedEvaluateJobConfig,
  ctx: JobContext,
  secrets: WorkerSecrets,
  items: BenchmarkItems['items'],
  generated: EvalResult,
  onProgress: (done: number, all: number) => void,
): Promise<Pick<EvaluateJobResult, 'metrics' | 'items'>> {
  const { benchmark, judge: queued, dataset } = config.resolved;
  if (!queued) throw new EngineError('INVALID_ARGUMENT', 'This judge job was queued without a judge endpoint: launch it again.');
  const settings = benchmark.judge ?? benchmarkJudgeSchema.parse({});
  const endpoint = workerJudgeEndpoint(secrets.judge, queued);
  ctx.report.log('info', `Judging ${items.length} answers with ${queued.model} at ${queued.baseUrl} (pass mark ${settings.passMark}).`);
  // Rubrics may name any field of the row, so the rows are read again (buildBenchmarkItems keeps only the items).
  const source = await readDatasetRows(dataset.file, {
    ...(dataset.parseOptions.fileType ? { fileType: dataset.parseOptions.fileType } : {}),
    ...(dataset.parseOptions.separator ? { separator: dataset.parseOptions.separator } : {}),
  });
  const values = items.map(({ row, item }, i) => {
    const record = source.entries[row]?.value as Record<string, unknown> | undefined;
    const question = record?.[benchmark.fields.question];
    return {
      question: typeof question === 'string' || typeof question === 'number' ? String(question) : item.prompt,
      reference: 'reference' in item ? item.reference : '',
      answer: generated.items[i]!.output ?? '',
      ...(record ? { row: record } : {}),
    };
  });
  const judgments = await judgeAnswers(endpoint, settings, values, {
    signal: ctx.signal,
    onProgress,
    warn: (message) => ctx.report.log('warn', message),
  });
  return {
    metrics: judgeMetrics(judgments, settings.passMark),
    items: generated.items.map((item, i) => {
      const { score, reply } = judgments[i]!;
      return {
        index: item.index,
        target: values[i]!.reference,
        prediction: String(score),
        correct: score >= settings.passMark,
        output: values[i]!.answer,
        judge: { score, reply },
      };
    }),
  };
}

export async function runEvaluateJob(config: ResolvedEvaluateJobConfig, ctx: JobContext, secrets: WorkerSecrets = {}): Promise<EvaluateJobResult> {
  const { resolved } = config;
  const { benchmark } = resolved;
  const started = performance.now();
  const built = await buildBenchmarkItems(resolved.dataset, benchmark, config.limit);
  if (built.problems.length > 0) {
    // The server checked every row when the benchmark was stored; the file changed since.
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${built.problems.length} row(s) of "${benchmark.datasetName}" v${benchmark.datasetVersion} cannot become items (${built.problems[0]!.message}): the dataset file changed since the benchmark was made; create a new benchmark version.`,
    );
  }
  const total = built.items.length;
  ctx.report.log(
    'info',
    `Evaluating ${resolved.modelName}${resolved.adapter ? ` + ${resolved.adapter.label}` : ''} on "${benchmark.name}" v${benchmark.version} (${benchmark.task}, ${total} items, ${config.quant}${config.quant === 'nf4' ? `, ${config.kernels} kernels` : ''}).`,
  );
  ctx.report.progress({ step: 0, total, etaSeconds: null, message: `Loading the model${config.quant === 'nf4' ? ' (quantizing to NF4)' : ''}…` });
  const folder = loadModelFolder(resolved.modelDir);
  folder.weights.close();
  const model = await loadCausalLM(resolved.modelDir, { quant: config.quant, kernels: config.kernels });
  let result: Pick<EvaluateJobResult, 'metrics' | 'items'>;
  try {
    if (resolved.adapter) {
      const adapter = readLoraAdapter(resolved.adapter.path, { modelConfig: folder.config });
      model.loadAdapter(resolved.adapter.path, { scaling: adapter.scaling, modules: adapter.weights });
      model.setActiveAdapter(resolved.adapter.path);
    }
    const scoringStarted = performance.now();
    const onProgress = (done: number, all: number): void => {
      const perItem = (performance.now() - scoringStarted) / 1000 / done;
      ctx.report.progress({ step: done, total: all, etaSeconds: perItem * (all - done), message: `${done} of ${all} items` });
    };
    const options = { onProgress, signal: ctx.signal };
    if (built.task === 'multiple-choice') {
      result = await evaluateMultipleChoice(
        model,
        folder.tokenizer,
        built.items.map((i) => i.item),
        options,
      );
    } else if (built.task === 'loss') {
      result = await evaluateLoss(
        model,
        folder.tokenizer,
        built.items.map((i) => i.item),
        options,
      );
    } else {
      const generation = benchmark.generation ?? { maxNewTokens: 64, stop: [], extractor: { kind: 'whole' as const } };
      const generateOptions = {
        maxNewTokens: generation.maxNewTokens,
        stopStrings: generation.stop,
        eosTokenIds: folder.tokenizer.eosTokenIds,
        ...(generation.sampling ? { sampling: generation.sampling } : {}),
      };
      if (built.task === 'judge') {
        // The judge scores the whole answer, so nothing is extracted; generating is the first
        // half of the progress, judging the second.
        const judgeOptions = { ...generateOptions, signal: ctx.signal, extractor: { kind: 'whole' as const } };
        const generated = await evaluateGenerate(
          model,
          folder.tokenizer,
          built.items.map((i) => i.item),
          { ...judgeOptions, onProgress: (done, all) => onProgress(done, 2 * all) },
        );
        result = await judgeGenerated(config, ctx, secrets, built.items, generated, (done, all) => onProgress(all + done, 2 * all));
      } else {
        result = await evaluateGenerate(
          model,
          folder.tokenizer,
          built.items.map((i) => i.item),
          { ...options, ...generateOptions, extractor: generation.extractor },
        );
      }
    }
  } finally {
    await model.dispose();
  }
  const summary = Object.entries(result.metrics)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(4)}`)
    .join(', ');
  ctx.report.log('info', `Done: ${summary}.`);
  return {
    metrics: result.metrics,
    items: result.items,
    benchmark: {
      id: benchmark.id,
      name: benchmark.name,
      version: benchmark.version,
      task: benchmark.task,
      datasetId: benchmark.datasetId,
      datasetVersion: benchmark.datasetVersion,
      fields: benchmark.fields,
      template: benchmark.template,
      generation: benchmark.generation,
      judge: benchmark.judge ?? null,
    },
    judgedBy: resolved.judge ?? null,
    model: { id: config.modelId, name: resolved.modelName },
    adapter: resolved.adapter,
    quant: config.quant,
    kernels: config.quant === 'nf4' ? config.kernels : null,
    limit: config.limit ?? null,
    seconds: (performance.now() - started) / 1000,
    cached: false,
    cachedFrom: null,
  };
}
