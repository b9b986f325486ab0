/**
 * Before launch: how long a fine-tune will take here and how much memory it needs. Time: this
 * machine's measured training speed for the model's shape and settings (train-time.ts), as a
 * range; memory, and the rough time when the speed cannot be measured: the engine's accounting
 * (`estimateTraining`) with the dataset's token lengths and the last system check's GEMM rate.
 * Warnings come with the change that fixes them. The estimate is remembered for these
 * settings, so the job launched with them keeps it (JobService.create).
 */
import os from 'node:os';
import { advisedSeqLen, jobResult, promptTemplateQuery, type TrainingEstimate, type TrainJobConfig } from '@qlora-studio/contracts';
import { createLoraConfig, estimateTraining, readModelConfig, resolveLoraTargets } from '@qlora-studio/engine';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { Db } from '../store/database.js';
import { getVersionOrThrow } from '../store/datasets-repo.js';
import { putLaunchEstimate } from '../store/estimates-repo.js';
import { listJobs } from '../store/jobs-repo.js';
import { nowIso } from '../store/rows.js';
import { memoryUsedBytes } from '../system/resources.js';
import { trainConfigKey } from './calibration-key.js';
import type { TrainingCalibrator } from './calibrator.js';
import { resolveTrainJob } from './train-job.js';
import { batchWidths, trainTime } from './train-time.js';

/** The GEMM rate assumed before any system check ran (what two recent x86 cores reach). */
const ASSUMED_GEMM_GFLOPS = 100;
const LONG_RUN_SECONDS = 2 * 3600;

function gemmRate(db: Db): { gemmGflops: number; gemmSource: 'system-check' | 'assumed' } {
  const [check] = listJobs(db, { type: 'system-check', status: 'succeeded', limit: 1 });
  const measured = jobResult(check, 'system-check')?.bestGflops;
  return measured && measured > 0 ? { gemmGflops: measured, gemmSource: 'system-check' } : { gemmGflops: ASSUMED_GEMM_GFLOPS, gemmSource: 'assumed' };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Held-out records evaluated each pass: the split's, or the validation dataset's valid records. */
function evalRecords(db: Db, config: TrainJobConfig, valid: number): number {
  if (config.validation.kind === 'split') return Math.min(valid - 1, Math.max(1, Math.round(valid * config.validation.ratio)));
  if (config.validation.kind === 'dataset') return getVersionOrThrow(db, config.validation.datasetId, config.validation.datasetVersion).valid;
  return 0;
}

/** Evaluations of a run: every `evalEvery` steps and at the last (loop.ts), when there is validation data. */
function evalPasses(config: TrainJobConfig, steps: number): number {
  if (config.validation.kind === 'none') return 0;
  if (config.evalEvery === undefined) return 1;
  return Math.floor(steps / config.evalEvery) + (steps % config.evalEvery === 0 ? 0 : 1);
}

export async function estimateTrainJob(
  db: Db,
  workspace: string,
  datasets: DatasetService,
  calibrator: TrainingCalibrator,
  config: TrainJobConfig,
): Promise<TrainingEstimate> {
  const resolvedConfig = resolveTrainJob(db, workspace, config); // refuses what the job would refuse
  const { resolved } = resolvedConfig;
  const modelConfig = readModelConfig(resolved.modelDir);
  const lora = createLoraConfig({ r: config.lora.r, loraAlpha: config.lora.alpha, targetModules: config.lora.targetModules, useRslora: config.lora.useRslora });
  const targets = resolveLoraTargets(modelConfig, lora);
  // The report's default samples and the form's prompt template: shares its cache entry.
  const report = await datasets.report(config.datasetId, {
    version: resolved.dataset.version,
    modelId: config.modelId,
    seqLen: config.seqLen,
    trainOn: config.trainOn,
    samples: 3,
    ...promptTemplateQuery(config.promptTemplate),
  });
  const valid = report.valid;
  const records = config.validation.kind === 'split' ? valid - evalRecords(db, config, valid) : valid;
  const meanTokens = Math.min(report.tokens?.mean ?? config.seqLen, config.seqLen);
  // Packing joins examples into rows of up to seqLen tokens (greedy, so rows are not quite full).
  const rows = config.packing ? Math.max(1, Math.ceil((records * meanTokens) / (0.9 * config.seqLen))) : records;
  const meanRowTokens = config.packing ? Math.min(config.seqLen, (records * meanTokens) / rows) : meanTokens;
  const steps = config.maxSteps ?? Math.max(1, Math.ceil((config.epochs * Math.ceil(rows / config.batchSize)) / config.gradAccum));
  const packedRows = (n: number) => (config.packing ? Math.max(1, Math.ceil((n * meanTokens) / (0.9 * config.seqLen))) : n);
  const trainedPerRecord = report.tokens && valid > 0 ? report.tokens.trainedTokens / valid : meanTokens;
  const machine = { memoryTotalBytes: os.totalmem(), memoryAvailableBytes: os.totalmem() - memoryUsedBytes(), ...gemmRate(db) };
  const e = estimateTraining({
    config: modelConfig,
    method: config.method,
    rank: config.lora.r,
    targets,
    batchSize: config.batchSize,
    gradAccum: config.gradAccum,
    seqLen: config.seqLen,
    meanRowTokens,
    steps,
    gemmGflops: machine.gemmGflops,
  });

  const held = evalRecords(db, config, valid);
  const widths = batchWidths(report.tokens, config.seqLen, config.batchSize, config.packing);
  const { time, calibration, contended } = trainTime({
    calibrator,
    model: modelConfig,
    config,
    targets: targets.map((t) => t.module),
    widths,
    dataTokens: report.tokens?.totalTokens ?? 0,
    steps,
    trainedTokensPerBatch: Math.min(config.seqLen, (records * trainedPerRecord) / rows) * config.batchSize,
    evalBatches: evalPasses(config, steps) * (held > 0 ? Math.ceil(packedRows(held) / config.batchSize) : 0),
    roughSeconds: e.totalSeconds,
    // Measuring runs the model: not when it would not fit.
    cannotMeasure: e.peakMemoryBytes > machine.memoryAvailableBytes ? 'There is not enough free memory to run a few training steps of this model.' : null,
  });
  putLaunchEstimate(db, trainConfigKey(resolvedConfig), { ...time, estimatedAt: nowIso() });

  const warnings: TrainingEstimate['warnings'] = [];
  const smaller = config.method === 'lora' ? 'switch the method to QLoRA (4-bit base), ' : '';
  if (e.peakMemoryBytes > machine.memoryAvailableBytes) {
    warnings.push({
      level: 'danger',
      message: `It needs about ${gib(e.peakMemoryBytes)} of memory but ${gib(machine.memoryAvailableBytes)} is available: it would run out of memory.`,
      fix: `Lower the batch size or sequence length, ${smaller}or adapt fewer modules (e.g. q_proj,v_proj).`,
    });
  } else if (e.peakMemoryBytes > 0.8 * machine.memoryAvailableBytes) {
    warnings.push({
      level: 'warning',
      message: `It needs about ${gib(e.peakMemoryBytes)} of the ${gib(machine.memoryAvailableBytes)} available: other programs may push it out of memory.`,
      fix: `Lower the batch size or sequence length, or ${smaller || 'close other programs'}.`,
    });
  }
  // While measuring, time.seconds is the FLOP count: less than the run will take, so long is long.
  if (time.seconds > LONG_RUN_SECONDS) {
    warnings.push({
      level: 'warning',
      message: `It will take about ${duration(time.seconds)} on this machine.`,
      fix: `Train fewer steps or epochs, lower the sequence length${config.packing ? '' : ', turn on packing for short examples'}, or try a smaller model first.`,
    });
  }
  if (calibration.state === 'unavailable') {
    const rate =
      machine.gemmSource === 'assumed'
        ? `an assumed ${ASSUMED_GEMM_GFLOPS} GFLOP/s (no system check has run)`
        : `the last system check's ${Math.round(machine.gemmGflops)} GFLOP/s`;
    warnings.push({
      level: 'warning',
      message: `The time is rough: this machine's speed for this model could not be measured (${calibration.message}), so it is counted from FLOPs at ${rate}. Small models often take several times longer.`,
      fix: machine.gemmSource === 'assumed' ? 'Run a system check from the Dashboard for a better rough figure.' : 'Expect the longer end of the range.',
    });
  }
  if (contended) {
    warnings.push({
      level: 'warning',
      message: 'The speed was measured while the machine was busy (a fine-tune or other programs were running), so this run may be much faster than estimated.',
      fix: 'It is measured again once the machine is quieter: look again in a few minutes.',
    });
  }
  if (config.seqLen < (report.tokens?.p90 ?? 0)) {
    // The report's rule: the length where no record is cut, never past what the model reads.
    const advice = advisedSeqLen(report.tokens!, modelConfig.maxPositionEmbeddings);
    const fix =
      advice.seqLen <= config.seqLen
        ? `This model reads at most ${modelConfig.maxPositionEmbeddings} tokens, so the cut stays: shorten or split the longest records.`
        : advice.fitsAll
          ? `Raise the sequence length to ${advice.seqLen}, where every record fits, if memory allows.`
          : `Raise the sequence length to ${advice.seqLen}, the most this model reads, if memory allows; longer records are still cut there.`;
    warnings.push({
      level: 'warning',
      message: `${report.tokens!.overSeqLen} of ${report.records} records are longer than ${config.seqLen} tokens and will be cut.`,
      fix,
    });
  }
  return {
    records,
    steps,
    tokensPerStep: e.tokensPerStep,
    totalTokens: e.totalTokens,
    seconds: time.seconds,
    time,
    calibration,
    tokensPerSecond: time.basis === 'measured' && time.secondsPerStep > 0 ? e.tokensPerStep / time.secondsPerStep : e.tokensPerSecond,
    peakMemoryBytes: e.peakMemoryBytes,
    memory: e.memory,
    savedActivations: e.savedActivations,
    machine,
    warnings,
  };
}
