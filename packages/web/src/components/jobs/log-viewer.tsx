import { logLevels, type JobStatus, type LogLevel } from '@qlora-studio/contracts';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownToLine, Check, ChevronDown, ChevronUp, Download, OctagonAlert, Search } from 'lucide-react';
import { memo, useDeferredValue, useEffect, useId, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { Button } from '../ui/button';
import { Input } from '../ui/input';
import { cn } from '../../lib/cn';
import { formatClock } from '../../lib/format';
import type { LogLine } from '../../lib/jobs/job-stream';
import { saveLines, type ExportFormat } from './log-export';
import { announceEveryMs, followReducer, initialFollow, isAtBottom, newLinesAnnouncement, unseenLines } from './log-follow';
import { countLevels, filterByLevel, firstErrorIndex, mergeLines, recordStatus, type StatusChange, type ViewerLine } from './log-lines';
import { findMatches, highlightSegments, matchSummary, searchPattern, stepMatch } from './log-search';

const levelStyle: Record<LogLevel, string> = {
  debug: 'text-fg-muted',
  info: 'text-primary-text',
  warn: 'text-warning-text',
  error: 'text-danger-text',
};
const levelNames: Record<LogLevel, string> = { debug: 'Debug', info: 'Info', warn: 'Warnings', error: 'Errors' };
/** Keys that scroll the log up: pressing them stops following, as scrolling up does. */
const pauseKeys = new Set(['ArrowUp', 'PageUp', 'Home']);
/** One unwrapped row: leading-6. */
const rowHeight = 24;

export interface LogViewerProps {
  lines: LogLine[];
  droppedLines?: number;
  /** More lines may still arrive. */
  live: boolean;
  /** Base of the download's file name. */
  fileName: string;
  /** The job's status now (optional): each change is shown as a line of the log. */
  status?: JobStatus | null;
  /** When the status last changed (the stream's `statusAt`). */
  statusAt?: string | null;
}

interface RowProps {
  line: ViewerLine;
  index: number;
  start: number;
  pattern: RegExp | null;
  /** Start of the current match in this row, or -1. */
  activeMatch: number;
  /** The row the reader was taken to (a match, the first error). */
  targeted: boolean;
  measure: (el: HTMLElement | null) => void;
}

const LogRow = memo(function LogRow({ line, index, start, pattern, activeMatch, targeted, measure }: RowProps) {
  return (
    <div
      ref={measure}
      data-index={index}
      data-level={line.level}
      className={cn('absolute top-0 left-0 flex w-full gap-3 px-4 hover:bg-surface', targeted && 'bg-surface shadow-[inset_3px_0_0_var(--color-primary-text)]')}
      style={{ transform: `translateY(${start}px)` }}
    >
      <time dateTime={line.at} className="shrink-0 text-fg-muted tabular-nums select-none">
        {formatClock(line.at)}
      </time>
      <span className={cn('w-12 shrink-0 font-semibold uppercase select-none', levelStyle[line.level])}>{line.level}</span>
      <span className={cn('min-w-0 whitespace-pre-wrap text-fg [overflow-wrap:anywhere]', line.kind === 'status' && 'font-semibold italic')}>
        {highlightSegments(line.message, pattern).map((s) =>
          s.match ? (
            <mark
              key={s.start}
              data-current={s.start === activeMatch || undefined}
              className={cn('rounded-sm text-fg ring-1 ring-primary-text', s.start === activeMatch ? 'bg-primary text-primary-fg ring-2' : 'bg-primary-soft')}
            >
              {s.text}
            </mark>
          ) : (
            s.text
          ),
        )}
      </span>
    </div>
  );
});

/**
 * A job's log, streaming: every loaded line in a virtualized list (only the rows in view are in
 * the page, so 100,000 lines scroll smoothly; long lines wrap), level toggles, search with
 * highlighting and next/previous, follow-the-tail that pauses when the reader scrolls up, jump to
 * the first error, and export of every loaded line as .log or .jsonl.
 */
export function LogViewer({ lines, droppedLines = 0, live, fileName, status, statusAt }: LogViewerProps) {
  const [statuses, setStatuses] = useState<readonly StatusChange[]>([]);
  const seenStatuses = recordStatus(statuses, status, statusAt);
  if (seenStatuses !== statuses) setStatuses(seenStatuses);

  const all = useMemo(() => mergeLines(lines, statuses), [lines, statuses]);
  const counts = useMemo(() => countLevels(all), [all]);
  const [shownLevels, setShownLevels] = useState<ReadonlySet<LogLevel>>(() => new Set(logLevels));
  const rows = useMemo(() => filterByLevel(all, shownLevels), [all, shownLevels]);

  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const pattern = useMemo(() => searchPattern(deferredQuery), [deferredQuery]);
  const matches = useMemo(() => findMatches(rows, deferredQuery), [rows, deferredQuery]);
  /** The current match, by row key and offset, so it survives new lines and filtering. */
  const [active, setActive] = useState<{ key: string; start: number } | null>(null);
  const current = useMemo(() => (active ? matches.findIndex((m) => m.start === active.start && rows[m.row]!.key === active.key) : -1), [active, matches, rows]);
  const [targetKey, setTargetKey] = useState<string | null>(null);

  const [follow, dispatch] = useReducer(followReducer, initialFollow);
  /** Every line received so far, dropped ones included: what "new lines" are counted against. */
  const received = droppedLines + lines.length + statuses.length;
  useEffect(() => dispatch({ type: 'rows', total: received }), [received]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => rows[index]!.key,
    overscan: 12,
    paddingStart: 8,
    paddingEnd: 8,
  });

  // While following, keep the bottom in view: again whenever rows arrive or get measured. One plain
  // scroll each time (no retrying scrollToIndex), so it never fights a reader who scrolls up.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const el = scroller.current;
    if (follow.following && el) el.scrollTop = el.scrollHeight;
  }, [follow.following, rows, totalSize]);

  const goTo = (rowIndex: number, key: string) => {
    dispatch({ type: 'pause' });
    setTargetKey(key);
    virtualizer.scrollToIndex(rowIndex, { align: 'center' });
  };
  const goToMatch = (index: number) => {
    const match = matches[index];
    if (!match) return;
    const key = rows[match.row]!.key;
    setActive({ key, start: match.start });
    goTo(match.row, key);
  };
  const step = (back: boolean) => goToMatch(stepMatch(current, matches.length, back));
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      step(event.shiftKey);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      setQuery('');
    }
  };

  const pendingTarget = useRef<string | null>(null);
  const firstError = useMemo(() => firstErrorIndex(all), [all]);
  const jumpToFirstError = () => {
    const line = all[firstError];
    if (!line) return;
    const index = rows.indexOf(line);
    if (index >= 0) return goTo(index, line.key);
    // Errors are hidden by the filter: show them, then go there once the rows include it.
    setShownLevels((s) => new Set([...s, 'error']));
    pendingTarget.current = line.key;
  };
  useEffect(() => {
    const key = pendingTarget.current;
    if (!key) return;
    const index = rows.findIndex((r) => r.key === key);
    if (index < 0) return;
    pendingTarget.current = null;
    dispatch({ type: 'pause' });
    setTargetKey(key);
    virtualizer.scrollToIndex(index, { align: 'center' });
  }, [rows, virtualizer]);

  const resume = () => {
    setTargetKey(null);
    dispatch({ type: 'resume' });
  };
  const toggleLevel = (level: LogLevel) =>
    setShownLevels((s) => {
      const next = new Set(s);
      if (!next.delete(level)) next.add(level);
      return next;
    });

  // Screen readers hear "n new lines" at most every few seconds, and only while following.
  const [announcement, setAnnouncement] = useState('');
  const announced = useRef(received);
  const latest = useRef({ all, received, following: follow.following });
  useEffect(() => {
    latest.current = { all, received, following: follow.following };
  });
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      const { all: loaded, received: now, following } = latest.current;
      const added = Math.min(now - announced.current, loaded.length);
      announced.current = now;
      const message = following ? newLinesAnnouncement(loaded.slice(loaded.length - added)) : null;
      if (message) setAnnouncement(message);
    }, announceEveryMs);
    return () => clearInterval(timer);
  }, [live]);

  const searchId = useId();
  const summaryId = useId();
  const unseen = unseenLines(follow);
  const summary = matchSummary(current, matches.length, !!pattern);
  const items = virtualizer.getVirtualItems();
  const targetRow = active && current >= 0 ? active.key : targetKey;
  const levelsPresent = logLevels.filter((l) => l !== 'debug' || counts.debug > 0);

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <div className="flex min-w-64 flex-1 items-center gap-1">
          <div className="relative flex-1">
            <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-muted" aria-hidden />
            <Input
              id={searchId}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onSearchKey}
              placeholder="Search the log"
              aria-label="Search the log"
              aria-describedby={summaryId}
              className="pl-9"
            />
          </div>
          <Button variant="ghost" size="icon" aria-label="Previous match" aria-keyshortcuts="Shift+Enter" disabled={!matches.length} onClick={() => step(true)}>
            <ChevronUp aria-hidden />
          </Button>
          <Button variant="ghost" size="icon" aria-label="Next match" aria-keyshortcuts="Enter" disabled={!matches.length} onClick={() => step(false)}>
            <ChevronDown aria-hidden />
          </Button>
          <span id={summaryId} role="status" className="min-w-28 text-sm text-fg-muted tabular-nums">
            {summary}
          </span>
        </div>
        <div role="group" aria-label="Show log levels" className="flex flex-wrap gap-2">
          {levelsPresent.map((level) => {
            const on = shownLevels.has(level);
            return (
              <Button
                key={level}
                variant="secondary"
                aria-pressed={on}
                onClick={() => toggleLevel(level)}
                className="aria-pressed:border-primary-text aria-pressed:bg-primary-soft"
              >
                <Check aria-hidden className={cn('size-4', !on && 'invisible')} />
                <span className={on ? undefined : 'text-fg-muted line-through'}>{levelNames[level]}</span>
                <span className="text-sm text-fg-muted tabular-nums">{counts[level].toLocaleString()}</span>
              </Button>
            );
          })}
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" aria-pressed={follow.following} onClick={() => (follow.following ? dispatch({ type: 'pause' }) : resume())}>
          <Check aria-hidden className={cn('size-4', !follow.following && 'invisible')} /> Follow new lines
        </Button>
        <Button variant="secondary" disabled={firstError < 0} onClick={jumpToFirstError}>
          <OctagonAlert aria-hidden /> First error
        </Button>
        <span className="ml-auto flex flex-wrap gap-2">
          {(['log', 'jsonl'] as ExportFormat[]).map((format) => (
            <Button
              key={format}
              variant="secondary"
              disabled={!all.length}
              onClick={() => saveLines(all, fileName, format)}
              aria-label={`Export all ${all.length.toLocaleString()} loaded lines as .${format}`}
            >
              <Download aria-hidden /> .{format}
            </Button>
          ))}
        </span>
      </div>

      <div className="relative">
        <div
          ref={scroller}
          role="log"
          aria-live="off"
          aria-label={`Job log, ${rows.length.toLocaleString()} ${rows.length === 1 ? 'line' : 'lines'} shown`}
          tabIndex={0}
          onScroll={(e) => dispatch({ type: 'scroll', scrollTop: e.currentTarget.scrollTop, atBottom: isAtBottom(e.currentTarget) })}
          onWheel={(e) => e.deltaY < 0 && dispatch({ type: 'pause' })}
          onKeyDown={(e) => pauseKeys.has(e.key) && dispatch({ type: 'pause' })}
          className="max-h-[28rem] min-h-48 overflow-auto rounded-xl border border-line bg-surface-muted font-mono text-[0.8125rem] leading-6 literal-text hc:border-line-strong"
        >
          {rows.length === 0 ? (
            <p className="p-4 font-sans text-sm text-fg-muted">
              {all.length === 0 ? (live ? 'Waiting for the first log line…' : 'This job wrote no log lines.') : 'No lines at the levels shown.'}
            </p>
          ) : (
            <div className="relative w-full" style={{ height: totalSize }}>
              {items.map((item) => {
                const line = rows[item.index]!;
                const match = current >= 0 && matches[current]!.row === item.index ? matches[current]!.start : -1;
                return (
                  <LogRow
                    key={item.key}
                    line={line}
                    index={item.index}
                    start={item.start}
                    pattern={pattern}
                    activeMatch={match}
                    targeted={targetRow === line.key}
                    measure={virtualizer.measureElement}
                  />
                );
              })}
            </div>
          )}
        </div>
        {!follow.following && rows.length > 0 && (live || unseen > 0) && (
          <Button variant="primary" onClick={resume} className="absolute right-4 bottom-4 shadow-raised">
            <ArrowDownToLine aria-hidden />
            {unseen > 0 ? `Jump to latest (${unseen.toLocaleString()} new ${unseen === 1 ? 'line' : 'lines'})` : 'Jump to latest'}
          </Button>
        )}
      </div>

      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <p className="text-sm text-fg-muted">
        {rows.length === all.length
          ? `${all.length.toLocaleString()} ${all.length === 1 ? 'line' : 'lines'}`
          : `${rows.length.toLocaleString()} of ${all.length.toLocaleString()} lines shown`}
        {' · exports include every loaded line, whatever the filter'}
        {droppedLines > 0 && ` · ${droppedLines.toLocaleString()} older lines are no longer kept here`}
      </p>
    </div>
  );
}
