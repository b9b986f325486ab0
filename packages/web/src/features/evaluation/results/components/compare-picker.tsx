import type { EvaluationSummary } from '@qlora-studio/contracts';
import { BarChart3, GitCompareArrows } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { EmptyState } from '../../../../components/ui/empty-state';
import { Skeleton } from '../../../../components/ui/skeleton';
import { formatDateTime } from '../../../../lib/format';
import { useEvaluationTab } from '../../use-evaluation-tab';
import { useEvaluations } from '../api/list-evaluations';
import { groupComparable, limitText, modelLabel, settingsText, whyNotComparable, type ComparableGroup } from '../selection';
import { mainMetricByTask, mainValue } from '../series';
import { scaled } from '../verdict';

function mainText(e: EvaluationSummary): string {
  const main = mainMetricByTask[e.benchmark.task];
  const value = mainValue(e);
  return value === null ? 'no main metric' : `${main.name} ${scaled(value, main.scale)}${main.unit === 'points' ? '' : ` ${main.unit}`}`;
}

function GroupCard({
  group,
  base,
  others,
  onBase,
  onOther,
}: {
  group: ComparableGroup;
  base: EvaluationSummary | undefined;
  others: Set<string>;
  onBase: (id: string) => void;
  onOther: (id: string, on: boolean) => void;
}) {
  const titleId = useId();
  const noteId = useId();
  // The whole group shares benchmark version and limit, so one reason covers all of it.
  const groupReason = base ? whyNotComparable({ ...group.evaluations[0]!, jobId: '' }, base) : null;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div>
          <CardTitle as="h3" id={titleId}>
            {group.benchmark.name} v{group.benchmark.version} · {limitText(group.limit)}
          </CardTitle>
          <CardDescription>
            {group.evaluations.length} succeeded evaluation{group.evaluations.length === 1 ? '' : 's'}
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-2 pt-3">
        {groupReason && (
          <p id={noteId} className="text-sm text-fg-muted">
            Cannot be compared with the base: {groupReason}
          </p>
        )}
        <ul className="flex flex-col divide-y divide-line">
          {group.evaluations.map((e) => {
            const isBase = base?.jobId === e.jobId;
            const reason = whyNotComparable(e, base);
            return (
              <li key={e.jobId} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2">
                <div className="min-w-0 flex-1 basis-60">
                  <p className="font-medium wrap-anywhere">{modelLabel(e)}</p>
                  <p className="text-sm text-fg-muted">
                    {mainText(e)} · {settingsText(e)} · {formatDateTime(e.finishedAt ?? e.createdAt)}
                    {e.cached ? ' · from cache' : ''}
                  </p>
                </div>
                <label className="flex min-h-11 items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name="results-base"
                    className="size-5 accent-primary"
                    aria-label={`Base: ${modelLabel(e)}`}
                    checked={isBase}
                    onChange={() => onBase(e.jobId)}
                  />
                  Base
                </label>
                <label className="flex min-h-11 items-center gap-2 text-sm" title={reason && !isBase ? reason : undefined}>
                  <input
                    type="checkbox"
                    className="size-5 accent-primary"
                    aria-label={`Compare ${modelLabel(e)} with the base`}
                    checked={others.has(e.jobId)}
                    disabled={reason !== null}
                    aria-describedby={groupReason ? noteId : undefined}
                    onChange={(ev) => onOther(e.jobId, ev.target.checked)}
                  />
                  Compare
                </label>
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}

/** Without `?jobs=`: choose a base and the evaluations to compare with it, of one benchmark version and limit. */
export function ComparePicker() {
  const { search, open } = useEvaluationTab();
  const benchmarkId = search.get('benchmark');
  const list = useEvaluations();
  const [baseId, setBaseId] = useState<string | null>(null);
  const [others, setOthers] = useState<Set<string>>(new Set());
  const groups = useMemo(() => groupComparable(list.data?.evaluations ?? [], benchmarkId), [list.data, benchmarkId]);
  const all = useMemo(() => groups.flatMap((g) => g.evaluations), [groups]);
  const base = all.find((e) => e.jobId === baseId);

  if (list.isPending) return <Skeleton className="h-64" />;
  if (list.isError) {
    return (
      <Alert tone="danger" title="The evaluations could not be listed" role="alert" action={<Button onClick={() => void list.refetch()}>Try again</Button>}>
        {list.error.message}
      </Alert>
    );
  }
  if (!groups.length) {
    return (
      <EmptyState
        icon={BarChart3}
        title={benchmarkId ? 'No finished evaluation on this benchmark yet' : 'No finished evaluation yet'}
        action={<Button onClick={() => open('queue')}>Open the job queue</Button>}
      >
        Run models on a benchmark from the job queue; when their jobs succeed, compare them here.
      </EmptyState>
    );
  }

  const chooseBase = (id: string) => {
    const next = all.find((e) => e.jobId === id)!;
    setBaseId(id);
    // Keep only the picks that still compare with the new base.
    setOthers(
      (set) =>
        new Set(
          [...set].filter(
            (o) =>
              whyNotComparable(
                all.find((e) => e.jobId === o)!,
                next,
              ) === null,
          ),
        ),
    );
  };
  const chooseOther = (id: string, on: boolean) =>
    setOthers((set) => {
      const next = new Set(set);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const picked = [...others];
  const ready = base !== undefined && picked.length > 0;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <h2 className="text-lg font-semibold">Choose what to compare</h2>
        <p className="text-sm text-fg-muted">
          Pick a base (usually the model without an adapter), then one or more evaluations to compare with it. Only runs of the same benchmark version on the
          same items can be compared: the others are disabled, with the reason.
        </p>
        {benchmarkId && (
          <Button variant="link" className="self-start" onClick={() => open('results')}>
            Show every benchmark
          </Button>
        )}
      </div>
      {groups.map((g) => (
        <GroupCard key={g.key} group={g} base={base} others={others} onBase={chooseBase} onOther={chooseOther} />
      ))}
      <div className="sticky bottom-0 flex flex-wrap items-center gap-3 border-t border-line bg-canvas py-3">
        <p className="min-w-0 flex-1 text-sm wrap-anywhere text-fg-muted" role="status">
          {base ? `Base: ${modelLabel(base)}. ` : 'No base chosen. '}
          {picked.length} to compare.
        </p>
        <Button
          disabled={!ready}
          onClick={() => open('results', { jobs: [base!.jobId, ...picked].join(','), ...(benchmarkId ? { benchmark: benchmarkId } : {}) })}
        >
          <GitCompareArrows aria-hidden />
          Compare
        </Button>
      </div>
    </div>
  );
}
