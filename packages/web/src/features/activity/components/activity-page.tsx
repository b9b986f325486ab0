import { jobTypeLabels, jobTypes, type Job, type JobType } from '@qlora-studio/contracts';
import { Columns3, List, ListChecks, Search } from 'lucide-react';
import { useEffect, useId, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardContent } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { Input } from '../../../components/ui/input';
import { PageHeader } from '../../../components/ui/page-header';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { readStoredText, writeStoredText } from '../../../lib/browser-storage';
import { useLiveStatus } from '../../../lib/live-status';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { StatusDot } from '../../../components/system/health-status';
import { boardColumns, filterJobs, groupByColumn, pruneSelection, toggleAll, type BoardFilter } from '../board';
import { ActivityFeed } from './activity-feed';
import { BulkActions } from './bulk-actions';
import { JobCard } from './job-card';

type View = 'board' | 'list';
const VIEW_KEY = 'qlora.activity.view';

// Stored as the bare word, not JSON (as earlier versions kept it).
const storedView = (): View => (readStoredText('local', VIEW_KEY) === 'list' ? 'list' : 'board');

/** The board or list view, remembered in this browser (in private mode, for this visit only). */
function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(storedView);
  return [
    view,
    (next) => {
      setView(next);
      writeStoredText('local', VIEW_KEY, next);
    },
  ];
}

function Toolbar({
  filter,
  onFilter,
  visible,
  selected,
  onSelected,
}: {
  filter: BoardFilter;
  onFilter: (patch: Partial<BoardFilter>) => void;
  visible: Job[];
  selected: Set<string>;
  onSelected: (next: Set<string>) => void;
}) {
  const searchId = useId();
  const typeId = useId();
  const selectedInView = visible.filter((j) => selected.has(j.id)).length;
  const allInView = visible.length > 0 && selectedInView === visible.length;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex min-w-0 flex-1 basis-64 flex-col gap-1.5">
        <label htmlFor={searchId} className="text-sm font-medium">
          Filter by text
        </label>
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-3 size-5 -translate-y-1/2 text-fg-muted" aria-hidden />
          <Input
            id={searchId}
            type="search"
            className="pl-10"
            placeholder="Title, id, model or dataset"
            value={filter.text}
            onChange={(e) => onFilter({ text: e.target.value })}
          />
        </div>
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={typeId} className="text-sm font-medium">
          Job type
        </label>
        <select
          id={typeId}
          value={filter.type}
          onChange={(e) => onFilter({ type: e.target.value as JobType | 'all' })}
          className="h-11 rounded-lg border border-line-strong bg-surface px-3 text-base text-fg"
        >
          <option value="all">All types</option>
          {jobTypes.map((t) => (
            <option key={t} value={t}>
              {jobTypeLabels[t]}
            </option>
          ))}
        </select>
      </div>
      <label className="inline-flex min-h-11 cursor-pointer items-center gap-2 rounded-lg px-2 text-sm font-medium hover:bg-surface-muted">
        <input
          type="checkbox"
          className="size-5 cursor-pointer accent-primary"
          checked={allInView}
          ref={(el) => {
            if (el) el.indeterminate = selectedInView > 0 && !allInView;
          }}
          disabled={!visible.length}
          onChange={() =>
            onSelected(
              toggleAll(
                selected,
                visible.map((j) => j.id),
              ),
            )
          }
        />
        Select all in view <span className="text-fg-muted tabular-nums">({visible.length})</span>
      </label>
    </div>
  );
}

function Board({ jobs, selected, onToggle }: { jobs: Job[]; selected: Set<string>; onToggle: (id: string, on: boolean) => void }) {
  const groups = useMemo(() => groupByColumn(jobs), [jobs]);
  return (
    <div className="grid grid-cols-1 items-start gap-4 md:grid-cols-2 xl:grid-cols-4">
      {boardColumns.map((column) => {
        const list = groups[column.id];
        const headingId = `column-${column.id}`;
        return (
          <section
            key={column.id}
            aria-labelledby={headingId}
            data-column={column.id}
            className="flex min-w-0 flex-col gap-3 rounded-xl bg-surface-muted p-3 hc:border hc:border-line-strong"
          >
            <h2 id={headingId} className="flex items-center justify-between gap-2 px-1 text-sm font-semibold">
              {column.title}
              <span className="rounded-full bg-surface px-2 text-xs text-fg-muted tabular-nums">{list.length}</span>
            </h2>
            {list.length ? (
              <ul className="flex flex-col gap-2" aria-labelledby={headingId}>
                {list.map((job) => (
                  <JobCard key={job.id} job={job} layout="card" selected={selected.has(job.id)} onSelectedChange={(on) => onToggle(job.id, on)} />
                ))}
              </ul>
            ) : (
              <p className="px-1 pb-2 text-sm text-fg-muted">None</p>
            )}
          </section>
        );
      })}
    </div>
  );
}

export default function ActivityPage() {
  const [params, setParams] = useSearchParams();
  const [view, setView] = useView();
  const type = (jobTypes as readonly string[]).includes(params.get('type') ?? '') ? (params.get('type') as JobType) : 'all';
  const text = params.get('q') ?? '';
  const filter: BoardFilter = { type, text };
  const setFilter = (patch: Partial<BoardFilter>) => {
    const next = { ...filter, ...patch };
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        if (next.type === 'all') out.delete('type');
        else out.set('type', next.type);
        if (next.text) out.set('q', next.text);
        else out.delete('q');
        return out;
      },
      { replace: true },
    );
  };
  const jobs = useJobs({ limit: 200 });
  const live = useLiveStatus();
  const all = useMemo(() => jobs.data?.jobs ?? [], [jobs.data]);
  const visible = useMemo(() => filterJobs(all, { type, text }), [all, type, text]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // A deleted job leaves the selection.
  useEffect(() => {
    setSelected((s) => {
      const pruned = pruneSelection(s, all);
      return pruned.size === s.size ? s : pruned;
    });
  }, [all]);
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const selectedJobs = all.filter((j) => selected.has(j.id));

  return (
    <>
      <PageHeader
        title="Activity"
        description="Every job in this workspace, updating live. Select jobs to act on them together, or open one for its progress, charts and log."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <span className="inline-flex items-center gap-2 text-sm font-medium text-fg-muted" role="status">
              <StatusDot level={live === 'open' ? 'ok' : live === 'reconnecting' ? 'degraded' : 'checking'} pulse={live === 'open'} />
              {live === 'open' ? 'Live updates on' : live === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
            </span>
            <Segmented value={view} onValueChange={(v) => setView(v as View)} aria-label="View">
              <SegmentedItem value="board">
                <Columns3 className="size-4" aria-hidden /> Board
              </SegmentedItem>
              <SegmentedItem value="list">
                <List className="size-4" aria-hidden /> List
              </SegmentedItem>
            </Segmented>
          </div>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardContent className="flex flex-col gap-4 pt-6 sm:pt-6">
            <Toolbar filter={filter} onFilter={setFilter} visible={visible} selected={selected} onSelected={setSelected} />
            {selected.size > 0 && (
              <BulkActions selected={selectedJobs} onClear={() => setSelected(new Set())} onDone={(_, failedIds) => setSelected(new Set(failedIds))} />
            )}
          </CardContent>
        </Card>
        <p className="sr-only" role="status" aria-live="polite">
          {jobs.isSuccess && `${visible.length} of ${all.length} jobs shown`}
        </p>
        {jobs.isPending ? (
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4" aria-busy="true" aria-label="Loading jobs">
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-48" />
            ))}
          </div>
        ) : jobs.isError ? (
          <ApiErrorAlert title="Jobs could not be loaded" error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : !all.length ? (
          <EmptyState icon={ListChecks} title="No jobs yet">
            Run a system check from the Dashboard, or launch a fine-tune, to see a job appear here and run live.
          </EmptyState>
        ) : !visible.length ? (
          <EmptyState
            icon={ListChecks}
            title="No jobs match"
            action={
              <Button variant="secondary" onClick={() => setFilter({ type: 'all', text: '' })}>
                Clear the filters
              </Button>
            }
          >
            Nothing of this type matches “{filter.text}”.
          </EmptyState>
        ) : view === 'board' ? (
          <Board jobs={visible} selected={selected} onToggle={toggle} />
        ) : (
          <ul aria-label="Jobs" className="flex flex-col gap-2">
            {visible.map((job) => (
              <JobCard key={job.id} job={job} layout="row" selected={selected.has(job.id)} onSelectedChange={(on) => toggle(job.id, on)} />
            ))}
          </ul>
        )}
        <ActivityFeed limit={30} title="Workspace activity" />
      </div>
    </>
  );
}
