/**
 * The evaluate job inside its worker process: build the benchmark's items from its dataset
 * version, load the model (with its adapter) with the chosen quant and kernels, run the task
 * with progress per item (cancel stops between items), and return the metrics and items with
 * what produced them.
 */
import type { EvaluateJobResult } from '@qlora-studio/contracts';
import {
  EngineError,
  evaluateGenerate,
  evaluateLoss,
  evaluateMultipleChoice,
  loadCausalLM,
  loadModelFolder,
  readLoraAdapter,
  type EvalResult,
  type JobContext,
} from '@qlora-studio/engine';
import { buildBenchmarkItems, type ResolvedEvaluateJobConfig } from '../evaluate-config.js';

export async function runEvaluateJob(config: ResolvedEvaluateJobConfig, ctx: JobContext): Promise<EvaluateJobResult> {
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
  let result: EvalResult;
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
      result = await evaluateGenerate(
        model,
        folder.tokenizer,
        built.items.map((i) => i.item),
        {
          ...options,
          maxNewTokens: generation.maxNewTokens,
          stopStrings: generation.stop,
          eosTokenIds: folder.tokenizer.eosTokenIds,
          extractor: generation.extractor,
        },
      );
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
    },
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
