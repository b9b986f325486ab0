/**
 * The (Q)LoRA training loop: a model folder and training records in, a PEFT adapter out.
 *
 *   check every setting (before loading anything heavy) → tokenize (optionally packing short
 *   examples into shared rows) → seeded batches → per optimizer step: gradAccum micro-batches
 *   of batchSize sequences, each one ORT run per block, gradients summed in a GradAccumulator
 *   → clip → optimizer at the scheduled learning rate → metrics; eval / checkpoint / early
 *   stopping at their intervals → final adapter + training_summary.json.
 *
 * Rows from `prepareTrainingData` carry UNshifted labels (labels[t] is the target of position
 * t); `stepBatchOf` shifts them within each example for the trainer. LoRA dropout masks are
 * drawn from a seeded generator whose state is checkpointed, so a run stopped at a checkpoint
 * and resumed with `resumeFrom` gives exactly the same losses and adapter bytes as one that
 * never stopped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { PromptTemplate } from '@qlora-studio/contracts';
import { writeAdapterPromptTemplate } from '../io/adapter-template.js';
import { loadModelFolder } from '../io/model-folder.js';
import { chatTemplateFor } from '../io/prompt-templates.js';
import { createLoraConfig, readLoraAdapter, writeLoraAdapter, type LoraAdapter, type LoraConfig } from '../io/peft.js';
import { throwIfAborted, type JobReporter } from '../jobs/reporter.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkpointName, readCheckpoint, writeCheckpoint, type EvalRecord, type StepRecord, type TrainerState } from './checkpoint.js';
import { GradAccumulator } from './clip.js';
import { Batcher, collate, padTokenIdOf, stepBatchOf } from './collate.js';
import { readTrainingFile, type TrainingRecord } from './data.js';
import { checkLoraTrainingConfig, initLoraAdapter, resolveLoraTargets } from './lora-init.js';
import { adamWOptions, Optimizer, sgdOptions, type AdamWOptions, type SgdOptions } from './optimizer.js';
import { checkpointLine, dataLines, evalLine, resumeLine, StepLogCadence, stepLine, summaryLine } from './log-lines.js';
import { prepareTrainingData, type DatasetReport, type TrainingRow } from './pack.js';
import { Mulberry32 } from './rng-state.js';
import { lrSchedule, scheduledLr, type LrScheduleKind } from './schedule.js';
import { LoraTrainer, type TrainMethod } from './train-step.js';

export const TRAINING_SUMMARY_FILE = 'training_summary.json';

/**
 * Records given inline or as a dataset file's path (readTrainingFile: JSONL, JSON, CSV, TSV, Parquet
 * or text; a text file's documents are separated by blank lines, or by `separator`).
 */
export type TrainingDataSource = { records: readonly TrainingRecord[] } | { file: string; separator?: string };

export interface TrainLoraOptions {
  modelDir: string;
  method: TrainMethod;
  lora: { r: number; alpha: number; dropout?: number; targetModules: string[] | string; useRslora?: boolean };
  seed: number;
  optimizer: ({ kind: 'adamw' } & Partial<Omit<AdamWOptions, 'kind'>>) | ({ kind: 'sgd' } & Partial<Omit<SgdOptions, 'kind'>>);
  learningRate: number;
  scheduler: LrScheduleKind;
  warmupSteps?: number;
  /** Passes over the data (default 1); ignored when `maxSteps` is given. */
  epochs?: number;
  /** Optimizer steps in all; wins over `epochs`. */
  maxSteps?: number;
  /** Sequences per micro-batch (one ORT run per block). */
  batchSize: number;
  gradAccum: number;
  maxGradNorm: number;
  seqLen: number;
  train: TrainingDataSource;
  eval?: TrainingDataSource;
  /** Evaluate every N optimizer steps (and at the end) when `eval` is given. Default: only at the end. */
  evalEvery?: number;
  checkpointEvery?: number;
  /** Stop after this many evaluations without a new best eval loss. */
  earlyStoppingPatience?: number;
  trainOn?: 'completions' | 'all';
  /** How chat records are written out (default: the model's own chat template); stored with the adapter. */
  promptTemplate?: PromptTemplate;
  /** Pack short examples into shared rows of ≤ seqLen tokens (no attention across them). Default false. */
  packing?: boolean;
  /** Most bytes a micro-batch's saved activations may take before blocks recompute them (LoraTrainer's default). */
  activationBudgetBytes?: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  outputDir: string;
  /** Start from this PEFT adapter instead of a fresh one (same r / targets). */
  initAdapterDir?: string;
  /** A `checkpoint-<step>` folder to continue from. */
  resumeFrom?: string;
  intraOpNumThreads?: number;
}

export interface TrainLoraResult {
  outputDir: string;
  steps: number;
  totalSteps: number;
  history: StepRecord[];
  evals: EvalRecord[];
  finalEval: EvalRecord | null;
  stoppedEarly: boolean;
  data: DatasetReport;
}

function invalid(message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', message);
}

function positiveInt(name: string, value: unknown, min = 1): number {
  if (!Number.isInteger(value) || (value as number) < min) throw invalid(`${name} must be a whole number ≥ ${min}, not ${JSON.stringify(value)}.`);
  return value as number;
}

/** Check the scalar settings that need no model or data. */
export function checkTrainLoraOptions(o: TrainLoraOptions): void {
  if (o.method !== 'lora' && o.method !== 'qlora') throw invalid(`method must be "lora" or "qlora", not ${JSON.stringify(o.method)}.`);
  const dropout = o.lora.dropout ?? 0;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1))
    throw invalid(`lora dropout must be a number ≥ 0 and < 1, not ${JSON.stringify(dropout)}.`);
  if (!(typeof o.learningRate === 'number' && o.learningRate > 0 && Number.isFinite(o.learningRate)))
    throw invalid(`learningRate must be a number > 0, not ${JSON.stringify(o.learningRate)}.`);
  if (!(typeof o.maxGradNorm === 'number' && o.maxGradNorm >= 0))
    throw invalid(`maxGradNorm must be ≥ 0 (0 disables clipping), not ${JSON.stringify(o.maxGradNorm)}.`);
  positiveInt('batchSize', o.batchSize);
  positiveInt('gradAccum', o.gradAccum);
  positiveInt('seed', o.seed, 0);
  if (o.maxSteps !== undefined) positiveInt('maxSteps', o.maxSteps);
  else positiveInt('epochs', o.epochs ?? 1);
  if (o.warmupSteps !== undefined) positiveInt('warmupSteps', o.warmupSteps, 0);
  if (o.evalEvery !== undefined) positiveInt('evalEvery', o.evalEvery);
  if (o.checkpointEvery !== undefined) positiveInt('checkpointEvery', o.checkpointEvery);
  if (o.earlyStoppingPatience !== undefined) positiveInt('earlyStoppingPatience', o.earlyStoppingPatience);
  if (o.earlyStoppingPatience !== undefined && !o.eval) throw invalid('earlyStoppingPatience needs eval data.');
  if (o.earlyStoppingPatience !== undefined && o.evalEvery === undefined)
    throw invalid('earlyStoppingPatience needs evalEvery: without it the only evaluation is at the last step, so there is nothing to stop early.');
  if (o.resumeFrom && o.initAdapterDir) throw invalid('Give resumeFrom or initAdapterDir, not both: a checkpoint already holds the adapter it continues.');
  if (!o.outputDir) throw invalid('outputDir is required.');
}

async function recordsOf(source: TrainingDataSource): Promise<TrainingRecord[]> {
  return 'file' in source ? (await readTrainingFile(source.file, { separator: source.separator })).records : [...source.records];
}

function optimizerOptions(o: TrainLoraOptions['optimizer']): AdamWOptions | SgdOptions {
  const { kind, ...rest } = o;
  if (kind === 'adamw') return adamWOptions(rest as Partial<Omit<AdamWOptions, 'kind'>>);
  if (kind === 'sgd') return sgdOptions(rest as Partial<Omit<SgdOptions, 'kind'>>);
  throw invalid(`optimizer must be "adamw" or "sgd", not ${JSON.stringify(kind)}.`);
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Train a LoRA adapter. Refuses bad settings (EngineError INVALID_ARGUMENT / CHAT_TEMPLATE_MISSING)
 * before loading weights; throws an AbortError between micro-steps once `ctx.signal` aborts.
 */
export async function trainLora(options: TrainLoraOptions, ctx: { signal: AbortSignal; report: JobReporter }): Promise<TrainLoraResult> {
  const { report, signal } = ctx;
  checkTrainLoraOptions(options);
  const optOptions = optimizerOptions(options.optimizer);
  throwIfAborted(signal, 'Training');

  const folder = loadModelFolder(options.modelDir);
  let trainer: LoraTrainer | null = null;
  try {
    const model = folder.config;
    const loraConfig: LoraConfig = createLoraConfig({
      r: options.lora.r,
      loraAlpha: options.lora.alpha,
      loraDropout: options.lora.dropout ?? 0,
      targetModules: options.lora.targetModules,
      useRslora: options.lora.useRslora ?? false,
      baseModelNameOrPath: options.modelDir,
    });
    checkLoraTrainingConfig(loraConfig);
    resolveLoraTargets(model, loraConfig); // refuses unknown target modules

    const chatTemplate = chatTemplateFor(folder, options.promptTemplate);
    const prepare = (records: TrainingRecord[]): { rows: TrainingRow[]; report: DatasetReport } =>
      prepareTrainingData(records, {
        tokenizer: folder.tokenizer,
        chatTemplate,
        seqLen: options.seqLen,
        maxPositionEmbeddings: model.maxPositionEmbeddings,
        trainOn: options.trainOn ?? 'completions',
        packing: options.packing ?? false,
      });
    const train = prepare(await recordsOf(options.train));
    const evalData = options.eval ? prepare(await recordsOf(options.eval)) : null;
    for (const line of [...dataLines(train.report, options.seqLen, 'training'), ...(evalData ? dataLines(evalData.report, options.seqLen, 'validation') : [])])
      report.log(line.level, line.text);

    const batcherOptions = {
      batchSize: options.batchSize,
      seqLen: options.seqLen,
      padTokenId: padTokenIdOf(folder.tokenizer),
      seed: options.seed,
      shuffle: options.shuffle ?? true,
    };
    const batchesPerEpoch = Math.ceil(train.rows.length / options.batchSize);
    const totalSteps = options.maxSteps ?? Math.max(1, Math.ceil(((options.epochs ?? 1) * batchesPerEpoch) / options.gradAccum));
    const schedule = lrSchedule(options.scheduler, options.warmupSteps ?? 0, totalSteps);

    // Fresh, initial or resumed state.
    let adapter: LoraAdapter;
    let optimizer: Optimizer;
    let state: TrainerState;
    if (options.resumeFrom) {
      const ck = readCheckpoint(options.resumeFrom, model);
      const s = ck.state;
      if (s.totalSteps !== totalSteps || !sameJson(s.schedule, schedule) || s.learningRate !== options.learningRate || s.seed !== options.seed) {
        throw invalid(
          `Checkpoint ${options.resumeFrom} was made with other settings (total steps ${s.totalSteps}, schedule ${JSON.stringify(s.schedule)}, lr ${s.learningRate}, seed ${s.seed}); resume with the same settings.`,
        );
      }
      if (!sameJson(ck.optimizer.header.options, optOptions))
        throw invalid(`Checkpoint ${options.resumeFrom} has optimizer ${JSON.stringify(ck.optimizer.header.options)}, not ${JSON.stringify(optOptions)}.`);
      adapter = { config: loraConfig, weights: ck.adapter.weights, scaling: ck.adapter.scaling };
      optimizer = Optimizer.fromState(ck.optimizer);
      state = s;
    } else {
      adapter = initLoraAdapter(model, loraConfig, options.seed);
      if (options.initAdapterDir) {
        const init = readLoraAdapter(options.initAdapterDir, { modelConfig: model });
        if (!sameJson([...init.weights.keys()].sort(), [...adapter.weights.keys()].sort()) || init.scaling !== adapter.scaling) {
          throw invalid(`The initial adapter ${options.initAdapterDir} adapts other modules or has another scaling than this LoRA config.`);
        }
        for (const [name, m] of init.weights) {
          const mine = adapter.weights.get(name)!;
          if (m.r !== mine.r) throw invalid(`The initial adapter ${options.initAdapterDir} has rank ${m.r} for ${name}, not ${mine.r}.`);
          mine.A.set(m.A);
          mine.B.set(m.B);
        }
      }
      optimizer = new Optimizer(optOptions);
      state = {
        format: 'qlora-studio-trainer-state',
        version: 1,
        globalStep: 0,
        totalSteps,
        cursor: { epoch: 0, position: 0 },
        rngState: new Mulberry32(options.seed ^ 0x5eed).state,
        schedule,
        learningRate: options.learningRate,
        seed: options.seed,
        bestEvalLoss: null,
        patienceCounter: 0,
        history: [],
        evals: [],
        elapsedSeconds: 0,
      };
    }
    const rng = Mulberry32.fromState(state.rngState); // draws each micro-batch's dropout seed; saved with checkpoints
    const batcher = new Batcher(train.rows, batcherOptions, state.cursor);

    trainer = await LoraTrainer.create({
      config: model,
      getWeight: (name) => folder.weights.readFloat32(name),
      adapter,
      method: options.method,
      dropout: options.lora.dropout ?? 0,
      ...(options.activationBudgetBytes === undefined ? {} : { activationBudgetBytes: options.activationBudgetBytes }),
      ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
    });
    const t = trainer;
    report.log(
      'info',
      `Training ${adapter.weights.size} LoRA modules (r ${loraConfig.r}, ${options.method}) on ${train.rows.length} rows for ${totalSteps} steps${state.globalStep > 0 ? `, resuming at step ${state.globalStep}` : ''}.`,
    );
    if (options.resumeFrom) report.log('info', resumeLine(options.resumeFrom, state.globalStep, totalSteps));

    const evaluate = async (step: number): Promise<EvalRecord | null> => {
      if (!evalData) return null;
      let lossSum = 0;
      let tokens = 0;
      for (let start = 0; start < evalData.rows.length; start += options.batchSize) {
        throwIfAborted(signal, 'Training');
        const rows = evalData.rows.slice(start, start + options.batchSize);
        const r = await t.evaluate(stepBatchOf(collate(rows, { ...batcherOptions, batchSize: rows.length })));
        lossSum += r.lossSum;
        tokens += r.tokens;
      }
      const loss = lossSum / Math.max(tokens, 1);
      const record = { step, loss, perplexity: Math.exp(loss) };
      report.metric('eval_loss', loss, step);
      report.metric('eval_perplexity', record.perplexity, step);
      return record;
    };

    const checkpointsDir = options.outputDir;
    const saveCheckpoint = (): void => {
      state.cursor = batcher.cursor;
      state.rngState = rng.state;
      const dir = writeCheckpoint(checkpointsDir, adapter, optimizer.state(), state);
      report.artifact('checkpoint', dir, checkpointName(state.globalStep));
      report.log('info', checkpointLine(state.globalStep, dir));
    };

    const started = performance.now();
    const elapsedBefore = state.elapsedSeconds;
    const elapsed = (): number => elapsedBefore + (performance.now() - started) / 1000;
    const stepsAtStart = state.globalStep;
    let stoppedEarly = false;
    let finalEval: EvalRecord | null = null;
    const accumulator = new GradAccumulator();
    const cadence = new StepLogCadence(totalSteps, stepsAtStart + 1);

    while (state.globalStep < totalSteps) {
      const stepStart = performance.now();
      let lossSum = 0;
      let tokens = 0;
      for (let micro = 0; micro < options.gradAccum; micro++) {
        throwIfAborted(signal, 'Training');
        const batch = stepBatchOf(batcher.next());
        const r = await t.step(batch, (options.lora.dropout ?? 0) > 0 ? { dropoutSeed: rng.nextUint32() } : {});
        accumulator.add(r.grads, r.tokens);
        lossSum += r.lossSum;
        tokens += r.tokens;
      }
      const lr = scheduledLr(options.learningRate, schedule, state.globalStep);
      const update = t.applyUpdate(accumulator, optimizer, lr, options.maxGradNorm);
      state.globalStep++;
      const step = state.globalStep;
      const loss = lossSum / Math.max(tokens, 1);
      state.history.push({ step, loss, learningRate: lr, gradNorm: update.gradNorm, tokens });
      if (!update.applied) report.log('warn', `Step ${step}: the gradient norm is not finite; the update was skipped.`);
      const seconds = (performance.now() - stepStart) / 1000;
      report.metric('loss', loss, step);
      report.metric('learning_rate', lr, step);
      report.metric('grad_norm', update.gradNorm, step);
      const tokensPerSecond = tokens / Math.max(seconds, 1e-9);
      report.metric('tokens_per_second', tokensPerSecond, step);
      report.metric('tokens', tokens, step);
      report.metric('elapsed', elapsed(), step);
      const done = step - stepsAtStart;
      const perStep = (performance.now() - started) / 1000 / done;
      report.progress({ step, total: totalSteps, etaSeconds: perStep * (totalSteps - step), message: `step ${step}/${totalSteps} loss ${loss.toFixed(4)}` });
      if (cadence.take(step, performance.now() / 1000))
        report.log('info', stepLine({ step, totalSteps, loss, learningRate: lr, gradNorm: update.gradNorm, tokensPerSecond }));

      const last = step === totalSteps;
      if (evalData && ((options.evalEvery !== undefined && step % options.evalEvery === 0) || last)) {
        const record = (await evaluate(step))!;
        state.evals.push(record);
        report.log('info', evalLine(record, state.evals));
        if (last) finalEval = record;
        if (Number.isFinite(record.loss) && (state.bestEvalLoss === null || record.loss < state.bestEvalLoss)) {
          state.bestEvalLoss = record.loss;
          state.patienceCounter = 0;
        } else {
          state.patienceCounter++;
          if (options.earlyStoppingPatience !== undefined && state.patienceCounter >= options.earlyStoppingPatience && !last) {
            report.log('info', `Early stopping at step ${step}: no better eval loss for ${state.patienceCounter} evaluations.`);
            stoppedEarly = true;
            finalEval = record;
          }
        }
      }
      state.elapsedSeconds = elapsed();
      if (options.checkpointEvery !== undefined && step % options.checkpointEvery === 0 && !last) saveCheckpoint();
      if (stoppedEarly) break;
    }

    // Final adapter and summary.
    fs.mkdirSync(options.outputDir, { recursive: true });
    writeLoraAdapter(options.outputDir, adapter, { dtype: 'F32' });
    writeAdapterPromptTemplate(options.outputDir, options.modelDir, options.promptTemplate ?? { id: 'model' }, chatTemplate?.source() ?? null);
    report.artifact('adapter', options.outputDir, 'final adapter');
    const result: TrainLoraResult = {
      outputDir: options.outputDir,
      steps: state.globalStep,
      totalSteps,
      history: state.history,
      evals: state.evals,
      finalEval,
      stoppedEarly,
      data: train.report,
    };
    const { train: _t, eval: _e, ...config } = options;
    const summary = {
      config: {
        ...config,
        train: 'file' in options.train ? options.train.file : `${options.train.records.length} records`,
        optimizer: optOptions,
        totalSteps,
        schedule,
      },
      data: train.report,
      evalData: evalData?.report ?? null,
      metrics: state.history,
      evals: state.evals,
      finalEval,
      stoppedEarly,
      elapsedSeconds: state.elapsedSeconds,
    };
    writeFileAtomic(path.join(options.outputDir, TRAINING_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    report.artifact('summary', path.join(options.outputDir, TRAINING_SUMMARY_FILE), 'training summary');
    report.log(
      'info',
      summaryLine({
        steps: state.globalStep,
        totalSteps,
        seconds: state.elapsedSeconds,
        finalLoss: state.history.at(-1)?.loss ?? null,
        finalEval,
        stoppedEarly,
        outputDir: options.outputDir,
      }),
    );
    report.progress({ step: state.globalStep, total: totalSteps, etaSeconds: 0, message: 'done' });
    return result;
  } finally {
    await trainer?.release();
    folder.weights.close();
  }
}
