import type { LogLevel } from '@qlora-studio/contracts';
import { ArrowDownToLine, Download, Search } from 'lucide-react';
import { useDeferredValue, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Input } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Switch } from '../../../components/ui/switch';
import { cn } from '../../../lib/cn';
import { formatClock } from '../../../lib/format';
import type { LogLine } from '../job-stream';

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const levelStyle: Record<LogLevel, string> = {
  debug: 'text-fg-muted',
  info: 'text-primary-text',
  warn: 'text-warning-text',
  error: 'text-danger-text',
};
const filters = [
  { value: 'debug', label: 'All' },
  { value: 'info', label: 'Info' },
  { value: 'warn', label: 'Warnings' },
  { value: 'error', label: 'Errors' },
] as const;
const shownLimit = 1000;

export interface LogViewerProps {
  lines: LogLine[];
  droppedLines?: number;
  /** More lines may still arrive. */
  live: boolean;
  /** Base of the download's file name. */
  fileName: string;
}

/** Streaming log with level filter, search, follow-the-tail and download. */
export function LogViewer({ lines, droppedLines = 0, live, fileName }: LogViewerProps) {
  const [minLevel, setMinLevel] = useState<LogLevel>('debug');
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(true);
  const followId = useId();
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const scroller = useRef<HTMLDivElement>(null);
  const autoScrolling = useRef(false);

  const matching = useMemo(
    () =>
      lines.filter(
        (l) => levelRank[l.level] >= levelRank[minLevel] && (!deferredQuery || l.message.toLowerCase().includes(deferredQuery)),
      ),
    [lines, minLevel, deferredQuery],
  );
  const shown = matching.length > shownLimit ? matching.slice(matching.length - shownLimit) : matching;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!follow || !el) return;
    autoScrolling.current = true;
    el.scrollTop = el.scrollHeight;
  }, [shown, follow]);

  // Scrolling up to read stops following; scrolling back to the bottom resumes it.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      if (autoScrolling.current) {
        autoScrolling.current = false;
        return;
      }
      const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      setFollow(atBottom);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  const download = () => {
    const text = lines.map((l) => `${l.at} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n');
    const url = URL.createObjectURL(new Blob([text + '\n'], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${fileName}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <Segmented value={minLevel} onValueChange={(v) => setMinLevel(v as LogLevel)} aria-label="Show log levels">
          {filters.map((f) => (
            <SegmentedItem key={f.value} value={f.value}>
              {f.label}
            </SegmentedItem>
          ))}
        </Segmented>
        <div className="relative min-w-48 flex-1">
          <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-muted" aria-hidden />
          <Input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search the log"
            aria-label="Search the log"
            className="pl-9"
          />
        </div>
        <div className="flex min-h-11 items-center gap-2">
          <Switch id={followId} checked={follow} onCheckedChange={setFollow} />
          <label htmlFor={followId} className="cursor-pointer text-sm font-medium">
            Follow new lines
          </label>
        </div>
        <Button variant="secondary" onClick={download} disabled={!lines.length}>
          <Download aria-hidden /> Download
        </Button>
      </div>

      <div
        ref={scroller}
        role="log"
        aria-live="off"
        aria-label="Log output"
        tabIndex={0}
        className="max-h-[28rem] min-h-48 overflow-auto rounded-xl border border-line bg-surface-muted font-mono text-[0.8125rem] leading-6 hc:border-line-strong"
      >
        {shown.length === 0 ? (
          <p className="p-4 font-sans text-sm text-fg-muted">
            {lines.length === 0 ? (live ? 'Waiting for the first log line…' : 'This job wrote no log lines.') : 'No lines match the filter.'}
          </p>
        ) : (
          <ol className="py-2">
            {shown.map((l) => (
              <li key={l.id} className="flex gap-3 px-4 hover:bg-surface">
                <span className="shrink-0 text-fg-muted tabular-nums select-none">{formatClock(l.at)}</span>
                <span className={cn('w-12 shrink-0 font-semibold uppercase select-none', levelStyle[l.level])}>{l.level}</span>
                <span className="min-w-0 break-words whitespace-pre-wrap text-fg [overflow-wrap:anywhere]">{l.message}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-fg-muted">
        <span>
          {matching.length === lines.length
            ? `${lines.length.toLocaleString()} ${lines.length === 1 ? 'line' : 'lines'}`
            : `${matching.length.toLocaleString()} of ${lines.length.toLocaleString()} lines match`}
          {matching.length > shownLimit && ` · showing the last ${shownLimit.toLocaleString()}`}
          {droppedLines > 0 && ` · ${droppedLines.toLocaleString()} older lines not kept here (download has what is kept)`}
        </span>
        {!follow && live && (
          <Button variant="ghost" onClick={() => setFollow(true)}>
            <ArrowDownToLine aria-hidden /> Jump to newest
          </Button>
        )}
      </div>
    </div>
  );
}
