import type { DatasetRecord } from '@qlora-studio/contracts';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { useId, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { useDatasetRecords } from '../api/list-dataset-records';
import { ApiErrorAlert } from './api-error-alert';

const PAGE = 5;

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

/** A page of records as the engine reads them, raw (JSON) or rendered (as a conversation). */
export function RecordsPreview({ datasetId, version }: { datasetId: string; version: number }) {
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<'rendered' | 'raw'>('rendered');
  const labelId = useId();
  const records = useDatasetRecords(datasetId, { version, offset, limit: PAGE });
  const total = records.data?.total ?? 0;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <span id={labelId} className="text-sm font-medium">
          Show records
        </span>
        <Segmented aria-labelledby={labelId} value={view} onValueChange={(v) => setView(v as 'rendered' | 'raw')}>
          <SegmentedItem value="rendered">Rendered</SegmentedItem>
          <SegmentedItem value="raw">Raw</SegmentedItem>
        </Segmented>
      </div>
      {records.isPending ? (
        <Skeleton className="h-32" />
      ) : records.isError ? (
        <ApiErrorAlert title="Records could not be loaded" error={records.error} />
      ) : (
        <>
          <ol className="flex flex-col gap-3" aria-busy={records.isFetching || undefined}>
            {records.data.records.map(({ index, record }) => (
              <li key={index} className="rounded-lg border border-line p-3">
                <p className="mb-2 text-xs font-semibold text-fg-muted">Record {index + 1}</p>
                {record === null ? (
                  <p className="text-sm text-danger-text">This record has an error and is left out of training (see Problems).</p>
                ) : view === 'raw' ? (
                  <pre className="max-h-60 overflow-auto font-mono text-xs whitespace-pre-wrap break-words">{JSON.stringify(record, null, 2)}</pre>
                ) : (
                  <Rendered record={record} />
                )}
              </li>
            ))}
          </ol>
          <nav aria-label="Record pages" className="flex items-center justify-between gap-3">
            <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              <ChevronLeft aria-hidden />
              Previous
            </Button>
            <span className="text-sm text-fg-muted" aria-live="polite">
              {total ? `${offset + 1}–${Math.min(total, offset + PAGE)} of ${total}` : 'No records'}
            </span>
            <Button variant="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Next
              <ChevronRight aria-hidden />
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}
