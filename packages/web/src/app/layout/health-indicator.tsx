import type { Health } from '@qlora-studio/contracts';
import { Link } from 'react-router';
import { Popover, PopoverContent, PopoverTrigger } from '../../components/ui/popover';
import { RelativeTime } from '../../components/ui/relative-time';
import { useHealth } from '../../lib/system/get-health';
import { healthMeta, StatusDot, type HealthLevel } from '../../components/system/health-status';
import { isApiClientError } from '../../lib/api-client';
import { cn } from '../../lib/cn';
import { formatDuration } from '../../lib/format';
import { useLiveStatus } from '../../lib/live-status';

const checkNames: Record<keyof Health['checks'], string> = { api: 'API', database: 'Database', disk: 'Disk', engine: 'Engine' };
const liveText = { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Off' } as const;

/** The top bar's API health: a word and a dot, with the details one click away. */
export function HealthIndicator() {
  const health = useHealth();
  const live = useLiveStatus();
  const level: HealthLevel = health.data ? health.data.status : health.isError ? 'unreachable' : 'checking';
  const meta = healthMeta[level];
  return (
    <Popover>
      <PopoverTrigger
        className="inline-flex h-11 items-center gap-2 rounded-lg px-3 text-sm font-medium hover:bg-surface-muted"
        aria-label={`Server health: ${meta.label}`}
      >
        <StatusDot level={level} pulse={level === 'ok'} />
        <span className={cn(meta.text)}>{meta.label}</span>
      </PopoverTrigger>
      <PopoverContent align="end" aria-label="Server health details">
        <p className="font-semibold">
          {level === 'unreachable' ? 'The server can’t be reached' : level === 'checking' ? 'Checking the server…' : `Server ${meta.label.toLowerCase()}`}
        </p>
        {health.isError && <p className="mt-1 text-sm text-fg-muted">{isApiClientError(health.error) ? health.error.hint : 'Reload the page.'}</p>}
        {health.data && (
          <>
            <p className="text-sm text-fg-muted">
              Version {health.data.version} · up {formatDuration(health.data.uptimeSeconds)}
            </p>
            <ul className="mt-3 flex flex-col gap-2">
              {(Object.keys(checkNames) as (keyof Health['checks'])[]).map((key) => {
                const check = health.data.checks[key];
                return (
                  <li key={key} className="flex items-start gap-2 text-sm">
                    <StatusDot level={check.status} className="mt-1.5" />
                    <span>
                      <span className="font-medium">{checkNames[key]}</span>{' '}
                      <span className={healthMeta[check.status].text}>{healthMeta[check.status].label.toLowerCase()}</span>
                      <span className="block text-fg-muted">{check.message}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <p className="mt-3 border-t border-line pt-3 text-sm">
          <span className="font-medium">Live updates:</span> <span className="text-fg-muted">{liveText[live]}</span>
        </p>
        {health.dataUpdatedAt > 0 && (
          <p className="text-sm text-fg-muted">
            Checked <RelativeTime date={new Date(health.dataUpdatedAt).toISOString()} />, every 5 seconds.
          </p>
        )}
        <Link to="/" className="mt-2 inline-flex min-h-11 items-center text-sm font-medium text-primary-text hover:underline">
          Open the health monitor
        </Link>
      </PopoverContent>
    </Popover>
  );
}
