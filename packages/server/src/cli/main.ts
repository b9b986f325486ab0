import { parseArgs } from 'node:util';
import { roleSchema, systemCheckConfigSchema, type SystemCheckResult } from '@qlora-studio/contracts';
import { runSystemCheck, type JobReporter } from '@qlora-studio/engine';
import { databasePath } from '../app.js';
import { defaultHome, resolveConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { createToken, listTokens, revokeToken } from '../store/tokens-repo.js';
import { serve, UserError } from './serve.js';

const usage = `qlora — QLoRA Studio from the command line

Usage:
  qlora serve [--port 7860] [--host 127.0.0.1] [--home DIR] [--web-root DIR] [--log-level info]
      Start the app (API + web app). Environment: QLORA_STUDIO_PORT, QLORA_STUDIO_HOST,
      QLORA_STUDIO_HOME (default ~/.qlora-studio).
  qlora token create --role member|practitioner [--name NAME] [--home DIR]
      Issue an access token (shown once). Team members get read access and inference.
  qlora token list [--home DIR]
  qlora token revoke ID [--home DIR]
  qlora system-check [--seconds 2] [--size 1024] [--json]
      Versions, cores, memory, disk and an ONNX Runtime MatMul benchmark (GFLOP/s).
  qlora bench
      The engine benchmarks, printed as figures.
  qlora help
`;

function withHome(home: string | undefined) {
  return openDatabase(databasePath(home ?? defaultHome()));
}

function tokenCommand(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, home: { type: 'string' } },
  });
  const [action, id] = positionals;
  const db = withHome(values.home);
  try {
    if (action === 'create') {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new UserError('Give the token a role: --role member or --role practitioner.');
      const { token, record } = createToken(db, role.data, values.name ?? `${role.data} token`);
      console.log(`Created ${record.role} token ${record.id} ("${record.name}"). It is shown only this once:\n\n  ${token}\n`);
      console.log('Send it as "Authorization: Bearer <token>".');
    } else if (action === 'list') {
      const tokens = listTokens(db);
      if (tokens.length === 0) console.log('No access tokens.');
      for (const t of tokens) console.log(`${t.id}  ${t.role.padEnd(12)}  ${t.name}  created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}`);
    } else if (action === 'revoke') {
      if (!id) throw new UserError('Name the token to revoke: qlora token revoke ID (see qlora token list).');
      if (!revokeToken(db, id)) throw new UserError(`No live token with id "${id}".`);
      console.log(`Revoked ${id}.`);
    } else {
      throw new UserError('Use: qlora token create | list | revoke.');
    }
  } finally {
    db.close();
  }
}

/** A reporter for the terminal: progress on one line, logs above it. */
function terminalReporter(quiet: boolean): JobReporter {
  return {
    progress: (p) => {
      if (!quiet && process.stderr.isTTY) process.stderr.write(`\r\x1b[K[${p.step}/${p.total}] ${p.message ?? ''}`);
    },
    metric: () => {},
    // The summary printed at the end says what the info lines say; only problems are shown live.
    log: (level, message) => {
      if (!quiet && (level === 'warn' || level === 'error')) process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${message}\n`);
    },
    artifact: () => {},
  };
}

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

async function systemCheckCommand(args: string[], defaults: { seconds: string; size: string }): Promise<void> {
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

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: {
            port: { type: 'string' },
            host: { type: 'string' },
            home: { type: 'string' },
            'web-root': { type: 'string' },
            'log-level': { type: 'string' },
          },
        });
        const { 'web-root': webRoot, 'log-level': logLevel, ...others } = values;
        await serve(resolveConfig({ ...others, ...(webRoot ? { webRoot } : {}), ...(logLevel ? { logLevel } : {}) }));
        return 0;
      }
      case 'token':
        tokenCommand(rest);
        return 0;
      case 'system-check':
        await systemCheckCommand(rest, { seconds: '2', size: '1024' });
        return 0;
      case 'bench':
        console.log('Engine benchmark: ONNX Runtime fp32 MatMul (compare ratios within one run; the machine is noisy)');
        await systemCheckCommand(['--seconds', '3', '--size', '1024', ...rest], { seconds: '3', size: '1024' });
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UserError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`qlora: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
