/**
 * The system-check job: what this machine is, whether ONNX Runtime computes correctly on it,
 * and how fast it multiplies matrices (later used to estimate training times).
 */
import os from 'node:os';
import { systemCheckMetricNames, type MatmulBenchmark, type SystemCheckConfig, type SystemCheckResult } from '@qlora-studio/contracts';
import { throwIfAborted, type JobContext } from '../jobs/reporter.js';
import { onnxRuntimeVersion } from '../runtime/session.js';
import { timeMatmul, verifyOrtMatmul } from './matmul-benchmark.js';
import { formatBytes, readSystemInfo } from './system-info.js';

const WHAT = 'The system check';

/**
 * Runs the system check. Progress goes step by step (facts, correctness, one benchmark per
 * thread setting) up to `total`; each finding is logged in plain words.
 * Rejects with an Error named 'AbortError' soon after `ctx.signal` is aborted.
 */
export async function runSystemCheck(config: SystemCheckConfig, ctx: JobContext): Promise<SystemCheckResult> {
  const { signal, report } = ctx;
  throwIfAborted(signal, WHAT);
  // 1 thread, then every core (the same setting twice on a one-core machine would be wasted time).
  const threadSettings = [...new Set([1, os.availableParallelism()])];
  const total = 2 + threadSettings.length;
  // Each benchmark also spends a warm-up run and session setup; a rough allowance is enough for an ETA.
  const etaFor = (benchmarksLeft: number) => benchmarksLeft * config.benchmarkSeconds * 1.1;
  report.progress({ step: 0, total, etaSeconds: etaFor(threadSettings.length), message: 'Reading system information' });

  const info = await readSystemInfo(ctx.workspace);
  const onnxruntime = await onnxRuntimeVersion();
  report.log('info', `Node.js ${info.node} on ${info.platform}/${info.arch}; ONNX Runtime ${onnxruntime}.`);
  report.log('info', `CPU: ${info.cpuModel}, ${info.cpuCores} usable ${info.cpuCores === 1 ? 'core' : 'cores'}.`);
  report.log('info', `Memory: ${formatBytes(info.memoryFreeBytes)} free of ${formatBytes(info.memoryTotalBytes)}.`);
  report.log('info', `Disk at ${ctx.workspace}: ${formatBytes(info.diskFreeBytes)} free of ${formatBytes(info.diskTotalBytes)}.`);
  throwIfAborted(signal, WHAT);
  report.progress({ step: 1, total, etaSeconds: etaFor(threadSettings.length), message: 'Checking ONNX Runtime against the reference' });

  const error = await verifyOrtMatmul();
  report.log('info', `ONNX Runtime's MatMul matches the reference implementation (largest relative error ${error.toExponential(1)}).`);
  throwIfAborted(signal, WHAT);

  const matmul: MatmulBenchmark[] = [];
  for (const [i, threads] of threadSettings.entries()) {
    const step = 2 + i;
    const left = threadSettings.length - i;
    const label = `${config.matrixSize}×${config.matrixSize}×${config.matrixSize} fp32 MatMul on ${threads} ${threads === 1 ? 'thread' : 'threads'}`;
    report.progress({ step, total, etaSeconds: etaFor(left), message: `Timing ${label}` });
    let lastReport = 0;
    const bench = await timeMatmul({
      size: config.matrixSize,
      threads,
      seconds: config.benchmarkSeconds,
      signal,
      onRun: (elapsed) => {
        // A progress event per run would flood the event log at small sizes: twice a second is plenty.
        if (elapsed - lastReport < 0.5) return;
        lastReport = elapsed;
        const eta = Math.max(0, config.benchmarkSeconds - elapsed) + etaFor(left - 1);
        report.progress({ step, total, etaSeconds: eta, message: `Timing ${label}` });
      },
    });
    matmul.push(bench);
    report.log('info', `${label}: ${bench.gflops.toFixed(1)} GFLOP/s (${bench.runs} runs in ${bench.seconds.toFixed(2)} s).`);
    if (threads === 1) report.metric(systemCheckMetricNames.oneThread, bench.gflops, step);
    if (threads === threadSettings.at(-1)) report.metric(systemCheckMetricNames.allThreads, bench.gflops, step);
  }

  const bestGflops = Math.max(...matmul.map((m) => m.gflops));
  report.log('info', `Best matrix-multiply speed: ${bestGflops.toFixed(1)} GFLOP/s.`);
  report.progress({ step: total, total, etaSeconds: 0, message: 'System check complete' });
  return { ...info, onnxruntime, workspace: ctx.workspace, matmul, bestGflops };
}
