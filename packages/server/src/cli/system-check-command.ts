import { parseArgs } from 'node:util';
import { systemCheckConfigSchema, type SystemCheckResult } from '@qlora-studio/contracts';
import { runSystemCheck } from '@qlora-studio/engine';
import { defaultHome } from '../config.js';
import { UserError } from './serve.js';
import { terminalReporter } from './terminal.js';

function printSystemCheck(result: SystemCheckResult): void {
  const GiB = 1024 ** 3;
  console.log(`Node ${result.node}, ONNX Runtime ${result.onnxruntime}, ${result.platform}/${result.arch}`);
  console.log(`CPU: ${result.cpuModel}, ${result.cpuCores} cores`);
  console.log(`Memory: ${(result.memoryFreeBytes / GiB).toFixed(1)} of ${(result.memoryTotalBytes / GiB).toFixed(1)} GiB free`);
  console.log(`Disk (${result.workspace}): ${(result.diskFreeBytes / GiB).toFixed(1)} of ${(result.diskTotalBytes / GiB).toFixed(1)} GiB free`);
  for (const m of result.matmul) {
    console.log(`MatMul fp32 ${m.m}x${m.k}x${m.n}, ${m.threads} thread(s): ${m.gflops.toFixed(1)} GFLOP/s (${m.runs} runs in ${m.seconds.toFixed(2)} s)`);
  }
}

/** `qlora system-check` and `qlora bench`. */
export async function systemCheckCommand(args: string[], defaults: { seconds: string; size: string }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string' }, size: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  });
  const parsed = systemCheckConfigSchema.safeParse({
    benchmarkSeconds: Number(values.seconds ?? defaults.seconds),
    matrixSize: Number(values.size ?? defaults.size),
  });
  if (!parsed.success) throw new UserError(`Invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const home = values.home ?? defaultHome();
  const result = await runSystemCheck(parsed.data, {
    workspace: home,
    signal: new AbortController().signal,
    report: terminalReporter(values.json === true),
  });
  if (!values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  if (values.json) console.log(JSON.stringify(result));
  else printSystemCheck(result);
}
