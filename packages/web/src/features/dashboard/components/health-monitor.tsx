import type { Health, ResourceSample } from '@qlora-studio/contracts';
import { Activity, Cpu, Database, HardDrive, MemoryStick, Server } from 'lucide-react';
import { Alert } from '../../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { Skeleton } from '../../../components/ui/skeleton';
import { Sparkline } from '../../../components/ui/sparkline';
import { isApiClientError } from '../../../lib/api-client';
import { formatBytes, formatDuration } from '../../../lib/format';
import { useHealth } from '../../../lib/system/get-health';
import { useResources } from '../../../lib/system/get-resources';
import { healthMeta, StatusDot, type HealthLevel } from '../../../components/system/health-status';

const checkRows: { key: keyof Health['checks']; label: string; icon: typeof Server }[] = [
  { key: 'api', label: 'API', icon: Server },
  { key: 'database', label: 'Database', icon: Database },
  { key: 'disk', label: 'Disk', icon: HardDrive },
  { key: 'engine', label: 'Engine', icon: Cpu },
];

function ResourceRow(props: {
  icon: typeof Cpu;
  label: string;
  value: string;
  detail: string;
  values: number[];
  max: number;
  chartLabel: string;
  tone: 'primary' | 'success' | 'warning' | 'danger';
}) {
  const Icon = props.icon;
  return (
    <li className="grid grid-cols-[1fr_7rem] items-center gap-3 sm:grid-cols-[1fr_9rem]">
      <div className="flex min-w-0 items-center gap-3">
        <Icon className="size-5 shrink-0 text-secondary" aria-hidden />
        <div className="min-w-0">
          <p className="text-sm text-fg-muted">{props.label}</p>
          <p className="truncate font-semibold tabular-nums">
            {props.value} <span className="text-sm font-normal text-fg-muted">{props.detail}</span>
          </p>
        </div>
      </div>
      <Sparkline values={props.values} min={0} max={props.max} label={props.chartLabel} tone={props.tone} />
    </li>
  );
}

const toneFor = (fraction: number) => (fraction > 0.9 ? 'danger' : fraction > 0.75 ? 'warning' : 'primary');

function Resources({ samples, intervalSeconds }: { samples: ResourceSample[]; intervalSeconds: number }) {
  const last = samples[samples.length - 1];
  if (!last) return <p className="text-sm text-fg-muted">Collecting the first samples…</p>;
  const window = formatDuration(samples.length * intervalSeconds);
  const memFraction = last.memoryUsedBytes / (last.memoryTotalBytes || 1);
  const diskUsed = (s: ResourceSample) => (s.diskTotalBytes - s.diskFreeBytes) / (s.diskTotalBytes || 1);
  const cpu = samples.map((s) => s.cpuPercent);
  return (
    <ul className="flex flex-col gap-4">
      <ResourceRow
        icon={Activity}
        label="CPU"
        value={`${Math.round(last.cpuPercent)}%`}
        detail="busy"
        values={cpu}
        max={100}
        tone={toneFor(last.cpuPercent / 100)}
        chartLabel={`CPU use over the last ${window}: between ${Math.round(Math.min(...cpu))}% and ${Math.round(Math.max(...cpu))}%`}
      />
      <ResourceRow
        icon={MemoryStick}
        label="Memory"
        value={formatBytes(last.memoryUsedBytes)}
        detail={`of ${formatBytes(last.memoryTotalBytes)}`}
        values={samples.map((s) => (s.memoryUsedBytes / (s.memoryTotalBytes || 1)) * 100)}
        max={100}
        tone={toneFor(memFraction)}
        chartLabel={`Memory use over the last ${window}, now ${Math.round(memFraction * 100)}%`}
      />
      <ResourceRow
        icon={HardDrive}
        label="Disk free"
        value={formatBytes(last.diskFreeBytes)}
        detail={`of ${formatBytes(last.diskTotalBytes)}`}
        values={samples.map((s) => (1 - diskUsed(s)) * 100)}
        max={100}
        tone={toneFor(diskUsed(last))}
        chartLabel={`Free disk space over the last ${window}, now ${Math.round((1 - diskUsed(last)) * 100)}% free`}
      />
    </ul>
  );
}

/** API, database, disk and engine checks, with live CPU, memory and disk use. */
export function HealthMonitor() {
  const health = useHealth();
  const resources = useResources();
  const unreachable = health.isError && isApiClientError(health.error) && health.error.code === 'NETWORK_ERROR';
  const level: HealthLevel = health.data ? health.data.status : health.isError ? 'unreachable' : 'checking';
  const live = resources.isSuccess && !resources.isError;

  return (
    <Card className="flex flex-col">
      <CardHeader>
        <div>
          <CardTitle>System health</CardTitle>
          <CardDescription>
            {health.data ? `Version ${health.data.version} · up ${formatDuration(health.data.uptimeSeconds)}` : 'The server and this machine'}
          </CardDescription>
        </div>
        <span className={`inline-flex items-center gap-2 text-sm font-semibold ${healthMeta[level].text}`}>
          <StatusDot level={level} pulse={level === 'ok'} />
          {healthMeta[level].label}
        </span>
      </CardHeader>
      <CardContent className="flex flex-1 flex-col gap-6">
        {health.isError ? (
          <Alert tone="danger" title={unreachable ? 'The server can’t be reached' : health.error.message}>
            {isApiClientError(health.error) ? health.error.hint : 'Reload the page.'} Checking again every 5 seconds.
          </Alert>
        ) : (
          <ul className="flex flex-col divide-y divide-line rounded-lg border border-line hc:border-line-strong" aria-label="Health checks">
            {checkRows.map(({ key, label, icon: Icon }) => {
              const check = health.data?.checks[key];
              const lvl: HealthLevel = check?.status ?? 'checking';
              return (
                <li key={key} className="flex items-center gap-3 px-3 py-2.5">
                  <Icon className="size-5 shrink-0 text-secondary" aria-hidden />
                  <div className="min-w-0 flex-1">
                    <p className="font-medium">{label}</p>
                    {check ? <p className="text-sm break-words text-fg-muted">{check.message}</p> : <Skeleton className="mt-1 h-4 w-24" />}
                  </div>
                  <span className={`inline-flex shrink-0 items-center gap-1.5 text-sm font-semibold ${healthMeta[lvl].text}`}>
                    <StatusDot level={lvl} className="size-2" />
                    {healthMeta[lvl].label}
                  </span>
                </li>
              );
            })}
          </ul>
        )}

        <div>
          <div className="mb-3 flex items-center justify-between gap-2">
            <h3 className="text-sm font-semibold">Resources</h3>
            <span className="inline-flex items-center gap-2 text-xs font-medium text-fg-muted">
              <StatusDot level={live ? 'ok' : 'checking'} pulse={live} className="size-2" />
              {live ? `Live · every ${resources.data?.intervalSeconds ?? 2} s` : resources.isError ? 'Paused' : 'Connecting'}
            </span>
          </div>
          {resources.data ? (
            <Resources samples={resources.data.samples} intervalSeconds={resources.data.intervalSeconds} />
          ) : resources.isError ? (
            <p className="text-sm text-fg-muted">Resource samples are unavailable while the server can’t be reached.</p>
          ) : (
            <div className="flex flex-col gap-4">
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
            </div>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
