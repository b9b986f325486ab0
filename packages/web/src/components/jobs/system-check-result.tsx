import { systemCheckResultSchema, type SystemCheckResult } from '@qlora-studio/contracts';
import { Cpu, Gauge, HardDrive, MemoryStick } from 'lucide-react';
import { formatBytes, formatNumber } from '../../lib/format';

/** The system check's findings, or null when `data` is not a SystemCheckResult. */
export function parseSystemCheckResult(data: unknown): SystemCheckResult | null {
  const parsed = systemCheckResultSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

function Fact({ icon: Icon, label, value, sub }: { icon: typeof Cpu; label: string; value: string; sub?: string }) {
  return (
    <div className="relative min-w-0 rounded-lg border border-line bg-surface py-3 pr-3 pl-11 hc:border-line-strong">
      <Icon className="absolute top-3.5 left-3 size-5 text-secondary" aria-hidden />
      <dt className="text-sm text-fg-muted">{label}</dt>
      <dd className="truncate font-medium text-fg" title={value}>
        {value}
      </dd>
      {sub && <dd className="truncate text-sm text-fg-muted">{sub}</dd>}
    </div>
  );
}

/** Headline speed, per-thread bars and the machine's facts. */
export function SystemCheckResultView({ result }: { result: SystemCheckResult }) {
  const best = result.matmul.reduce<SystemCheckResult['matmul'][number] | null>((b, r) => (!b || r.gflops > b.gflops ? r : b), null);
  const scale = Math.max(result.bestGflops, ...result.matmul.map((r) => r.gflops), 1);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end gap-x-6 gap-y-2">
        <div>
          <p className="text-sm font-medium text-fg-muted">Best matrix-multiply speed</p>
          <p className="text-4xl font-semibold tracking-tight text-fg tabular-nums">
            {formatNumber(result.bestGflops, 1)} <span className="text-xl font-medium text-fg-muted">GFLOP/s</span>
          </p>
        </div>
        {best && (
          <p className="pb-1 text-sm text-fg-muted">
            with {best.threads} {best.threads === 1 ? 'thread' : 'threads'} on a {best.m}×{best.k}×{best.n} fp32 MatMul
          </p>
        )}
      </div>

      {result.matmul.length > 0 && (
        <div>
          <h3 className="mb-3 text-sm font-semibold text-fg">Speed by thread count</h3>
          <ul className="flex flex-col gap-2.5">
            {result.matmul.map((r) => (
              <li key={`${r.threads}-${r.m}-${r.n}-${r.k}`} className="grid grid-cols-[5.5rem_1fr_6.5rem] items-center gap-3 text-sm">
                <span className="text-fg-muted">
                  {r.threads} {r.threads === 1 ? 'thread' : 'threads'}
                </span>
                <span className="h-2.5 overflow-hidden rounded-full bg-surface-muted hc:border hc:border-line-strong" aria-hidden>
                  <span className={`block h-full rounded-full ${r === best ? 'bg-success' : 'bg-primary'}`} style={{ width: `${(r.gflops / scale) * 100}%` }} />
                </span>
                <span className="text-right font-medium tabular-nums">{formatNumber(r.gflops, 1)} GFLOP/s</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <dl className="grid gap-3 sm:grid-cols-2">
        <Fact icon={Cpu} label="Processor" value={result.cpuModel} sub={`${result.cpuCores} cores · ${result.platform} ${result.arch}`} />
        <Fact icon={MemoryStick} label="Memory" value={`${formatBytes(result.memoryTotalBytes)} total`} sub={`${formatBytes(result.memoryFreeBytes)} free`} />
        <Fact
          icon={HardDrive}
          label="Workspace disk"
          value={`${formatBytes(result.diskFreeBytes)} free of ${formatBytes(result.diskTotalBytes)}`}
          sub={result.workspace}
        />
        <Fact icon={Gauge} label="Runtime" value={`Node.js ${result.node.replace(/^v/, '')}`} sub={`ONNX Runtime ${result.onnxruntime}`} />
      </dl>
    </div>
  );
}
