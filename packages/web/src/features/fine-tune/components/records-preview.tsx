import type { DatasetRecord } from '@qlora-studio/contracts';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Field, Input } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { datasetRecordsQueryOptions, useDatasetRecords } from '../api/list-dataset-records';
import { ApiErrorAlert } from '../../../components/api-error-alert';

function Rendered({ record }: { record: DatasetRecord }) {
  if (record.kind === 'text') return <p className="text-sm whitespace-pre-wrap break-words">{record.text}</p>;
  return (
    <ol className="flex flex-col gap-2">
      {record.messages.map((m, i) => (
        <li key={i} className={m.role === 'assistant' ? 'rounded-lg bg-primary-soft px-3 py-2' : 'rounded-lg bg-surface-muted px-3 py-2'}>
          <span className="block text-xs font-semibold tracking-wide text-fg-muted uppercase">{m.role}</span>
          <span className="text-sm whitespace-pre-wrap break-words">{m.content}</span>
        </li>
      ))}
    </ol>
  );
}

/** Records fetched per request; the list asks only for the pages its visible rows fall in. */
const PAGE = 100;

/**
 * Every record as the engine reads it, raw (JSON) or rendered (as a conversation), in a
 * virtualized list: only the rows in view are in the page, and only their pages are fetched,
 * so a dataset of any size scrolls smoothly. "Go to record" jumps anywhere by keyboard.
 */
export function RecordsPreview({ datasetId, version }: { datasetId: string; version: number }) {
  const [view, setView] = useState<'rendered' | 'raw'>('rendered');
  const [target, setTarget] = useState('');
  const labelId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const first = useDatasetRecords(datasetId, { version, offset: 0, limit: PAGE });
  const total = first.data?.total ?? 0;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => 140, overscan: 4 });
  const items = virtualizer.getVirtualItems();
  const pages = [...new Set(items.map((item) => Math.floor(item.index / PAGE)))];
  const loaded = useQueries({ queries: pages.map((page) => datasetRecordsQueryOptions(datasetId, { version, offset: page * PAGE, limit: PAGE })) });
  const recordAt = (index: number) => {
    const page = loaded[pages.indexOf(Math.floor(index / PAGE))]?.data;
    return page?.records[index - page.offset];
  };
  const jump = (event: FormEvent) => {
    event.preventDefault();
    const n = Number(target);
    if (Number.isInteger(n) && n >= 1 && n <= total) virtualizer.scrollToIndex(n - 1, { align: 'start' });
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <span className="flex flex-col gap-1">
          <span id={labelId} className="text-sm font-medium">
            Show records
          </span>
          <Segmented aria-labelledby={labelId} value={view} onValueChange={(v) => setView(v as 'rendered' | 'raw')}>
            <SegmentedItem value="rendered">Rendered</SegmentedItem>
            <SegmentedItem value="raw">Raw</SegmentedItem>
          </Segmented>
        </span>
        <form onSubmit={jump} className="flex items-end gap-2">
          <Field label="Go to record" description={total ? `1–${total.toLocaleString()}` : undefined}>
            {(ids) => (
              <Input
                {...ids}
                type="number"
                inputMode="numeric"
                min={1}
                max={total || undefined}
                value={target}
                onChange={(e) => setTarget(e.target.value)}
                className="w-28"
              />
            )}
          </Field>
          <Button type="submit" variant="secondary" disabled={!total}>
            Go
          </Button>
        </form>
      </div>
      {first.isPending ? (
        <Skeleton className="h-32" />
      ) : first.isError ? (
        <ApiErrorAlert title="Records could not be loaded" error={first.error} />
      ) : total === 0 ? (
        <p className="text-sm text-fg-muted">This version has no records.</p>
      ) : (
        <div
          ref={scroller}
          role="region"
          aria-label={`Records, ${total.toLocaleString()} in all`}
          tabIndex={0}
          className="relative max-h-[32rem] overflow-auto rounded-lg border border-line literal-text"
        >
          <ol className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const entry = recordAt(item.index);
              return (
                <li
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  aria-setsize={total}
                  aria-posinset={item.index + 1}
                  className="absolute top-0 left-0 w-full border-b border-line p-3"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <p className="mb-2 text-xs font-semibold text-fg-muted">Record {item.index + 1}</p>
                  {entry === undefined ? (
                    <Skeleton className="h-16" />
                  ) : entry.record === null ? (
                    <p className="text-sm text-danger-text">This record has an error and is left out of training (see Problems).</p>
                  ) : view === 'raw' ? (
                    <pre className="max-h-60 overflow-auto font-mono text-xs whitespace-pre-wrap break-words">{JSON.stringify(entry.record, null, 2)}</pre>
                  ) : (
                    <Rendered record={entry.record} />
                  )}
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </div>
  );
}
