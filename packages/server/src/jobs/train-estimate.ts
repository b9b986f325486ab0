/**
 * Before launch: how long a fine-tune will take here and how much memory it needs, from the
 * engine's accounting (`estimateTraining`), the dataset's token lengths with the model's
 * tokenizer, and this machine's measured GEMM rate (the last system check). Warnings come with
 * the change that fixes them.
 */
import os from 'node:os';
import type { TrainingEstimate, TrainJobConfig } from '@qlora-studio/contracts';
import { createLoraConfig, estimateTraining, readModelConfig, resolveLoraTargets } from '@qlora-studio/engine';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { Db } from '../store/database.js';
import { listJobs } from '../store/jobs-repo.js';
import { memoryUsedBytes } from '../system/resources.js';
import { resolveTrainJob } from './train-job.js';

/** The GEMM rate assumed before any system check ran (what two recent x86 cores reach). */
const ASSUMED_GEMM_GFLOPS = 100;
const LONG_RUN_SECONDS = 2 * 3600;

function gemmRate(db: Db): { gemmGflops: number; gemmSource: 'system-check' | 'assumed' } {
  const [check] = listJobs(db, { type: 'system-check', status: 'succeeded', limit: 1 });
  const measured = (check?.result as { bestGflops?: number } | null)?.bestGflops;
  return measured && measured > 0 ? { gemmGflops: measured, gemmSource: 'system-check' } : { gemmGflops: ASSUMED_GEMM_GFLOPS, gemmSource: 'assumed' };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export async function estimateTrainJob(db: Db, workspace: string, datasets: DatasetService, config: TrainJobConfig): Promise<TrainingEstimate> {
  const { resolved } = resolveTrainJob(db, workspace, config); // refuses what the job would refuse
  const modelConfig = readModelConfig(resolved.modelDir);
  const lora = createLoraConfig({ r: config.lora.r, loraAlpha: config.lora.alpha, targetModules: config.lora.targetModules, useRslora: config.lora.useRslora });
  const targets = resolveLoraTargets(modelConfig, lora);
  const report = await datasets.report(config.datasetId, { version: resolved.dataset.version, modelId: config.modelId, seqLen: config.seqLen, trainOn: config.trainOn, samples: 3 }); // the report's default samples: shares its cache entry
  const valid = report.valid;
  const records = config.validation.kind === 'split' ? valid - Math.min(valid - 1, Math.max(1, Math.round(valid * config.validation.ratio))) : valid;
  const meanTokens = Math.min(report.tokens?.mean ?? config.seqLen, config.seqLen);
  // Packing joins examples into rows of up to seqLen tokens (greedy, so rows are not quite full).
  const rows = config.packing ? Math.max(1, Math.ceil((records * meanTokens) / (0.9 * config.seqLen))) : records;
  const meanRowTokens = config.packing ? Math.min(config.seqLen, (records * meanTokens) / rows) : meanTokens;
  const steps = config.maxSteps ?? Math.max(1, Math.ceil((config.epochs * Math.ceil(rows / config.batchSize)) / config.gradAccum));
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

  const warnings: TrainingEstimate['warnings'] = [];
  const smaller = config.method === 'lora' ? 'switch the method to QLoRA (4-bit base), ' : '';
  if (e.peakMemoryBytes > machine.memoryAvailableBytes) {
    warnings.push({ level: 'danger', message: `It needs about ${gib(e.peakMemoryBytes)} of memory but ${gib(machine.memoryAvailableBytes)} is available: it would run out of memory.`, fix: `Lower the batch size or sequence length, ${smaller}or adapt fewer modules (e.g. q_proj,v_proj).` });
  } else if (e.peakMemoryBytes > 0.8 * machine.memoryAvailableBytes) {
    warnings.push({ level: 'warning', message: `It needs about ${gib(e.peakMemoryBytes)} of the ${gib(machine.memoryAvailableBytes)} available: other programs may push it out of memory.`, fix: `Lower the batch size or sequence length, or ${smaller || 'close other programs'}.` });
  }
  if (e.totalSeconds > LONG_RUN_SECONDS) {
    warnings.push({ level: 'warning', message: `It will take about ${duration(e.totalSeconds)} on this machine.`, fix: `Train fewer steps or epochs, lower the sequence length${config.packing ? '' : ', turn on packing for short examples'}, or try a smaller model first.` });
  }
  if (machine.gemmSource === 'assumed') {
    warnings.push({ level: 'warning', message: `The time assumes ${ASSUMED_GEMM_GFLOPS} GFLOP/s; this machine has not been measured yet.`, fix: 'Run a system check from the Dashboard for a measured estimate.' });
  }
  if (config.seqLen < (report.tokens?.p90 ?? 0)) {
    // Never advise past what the model reads: there, only shorter records help.
    const most = modelConfig.maxPositionEmbeddings;
    const fix =
      config.seqLen >= most
        ? `This model reads at most ${most} tokens, so the cut stays: shorten or split the longest records.`
        : report.tokens!.p99 > most
          ? `Raise the sequence length towards ${most}, the most this model reads, if memory allows; longer records are still cut there.`
          : `Raise the sequence length towards ${report.tokens!.p99} (the 99th percentile), if memory allows.`;
    warnings.push({ level: 'warning', message: `${report.tokens!.overSeqLen} of ${report.records} records are longer than ${config.seqLen} tokens and will be cut.`, fix });
  }
  return {
    records,
    steps,
    tokensPerStep: e.tokensPerStep,
    totalTokens: e.totalTokens,
    seconds: e.totalSeconds,
    tokensPerSecond: e.tokensPerSecond,
    peakMemoryBytes: e.peakMemoryBytes,
    memory: e.memory,
    savedActivations: e.savedActivations,
    machine,
    warnings,
  };
}
