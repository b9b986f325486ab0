import { ChevronDown, ListChecks } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { Skeleton } from '../../../components/ui/skeleton';
import { useEvaluations } from '../api/list-evaluations';
import { groupByBatch } from '../batches';
import { useEvaluationTab } from '../use-evaluation-tab';
import { BatchCard } from './batch-card';
import { LaunchForm } from './launch-form';

/** How many evaluate jobs the queue lists (the API's page). */
const listLimit = 200;

/**
 * The job queue: the launch form (models × benchmarks as one batch) and the batches, newest
 * first, with live progress. `?batch=` shows one batch (where a launch lands), `?evaluate=`
 * preselects a benchmark in the form (the Benchmarks tab's Evaluate button).
 */
export function QueueTab() {
  const { search, open } = useEvaluationTab();
  const batchFilter = search.get('batch');
  const preselected = search.get('evaluate');
  const evaluations = useEvaluations({ limit: listLimit });
  const groups = useMemo(() => groupByBatch(evaluations.data?.evaluations ?? []), [evaluations.data]);
  const shown = batchFilter ? groups.filter((g) => g.batchId === batchFilter) : groups;
  const [formOpen, setFormOpen] = useState(!batchFilter);
  const formRef = useRef<HTMLDivElement>(null);

  // Evaluate on a benchmark: open the form and bring it into view.
  useEffect(() => {
    if (!preselected) return;
    setFormOpen(true);
    formRef.current?.scrollIntoView({ block: 'start' });
  }, [preselected]);

  return (
    <div className="flex flex-col gap-6">
      <Card aria-labelledby="launch-title">
        <CardHeader className={formOpen ? undefined : 'pb-5 sm:pb-6'}>
          <div>
            <CardTitle id="launch-title">New evaluation</CardTitle>
            <CardDescription>Choose models and benchmarks: each model runs on each benchmark, as one batch.</CardDescription>
          </div>
          <Button variant="secondary" aria-expanded={formOpen} aria-controls="launch-form-panel" onClick={() => setFormOpen((o) => !o)}>
            {formOpen ? 'Hide the form' : 'Show the form'}
            <ChevronDown className={formOpen ? 'rotate-180' : undefined} aria-hidden />
          </Button>
        </CardHeader>
        <div id="launch-form-panel" ref={formRef} hidden={!formOpen}>
          {formOpen && (
            <CardContent>
              <LaunchForm
                key={preselected ?? ''}
                preselectedBenchmark={preselected}
                onLaunched={(batchId) => {
                  setFormOpen(false);
                  open('queue', { batch: batchId });
                }}
              />
            </CardContent>
          )}
        </div>
      </Card>

      <section aria-labelledby="queue-title" className="flex flex-col gap-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="queue-title" className="text-lg font-semibold">
            {batchFilter ? 'Showing one batch' : 'Batches'}
          </h2>
          {batchFilter && (
            <Button variant="secondary" onClick={() => open('queue')}>
              Show all batches
            </Button>
          )}
        </div>
        {evaluations.isPending ? (
          <Skeleton className="h-48 w-full" />
        ) : evaluations.isError ? (
          <ApiErrorAlert title="The evaluations could not be loaded" error={evaluations.error} onRetry={() => void evaluations.refetch()} />
        ) : shown.length === 0 ? (
          <Card>
            <EmptyState icon={ListChecks} title={batchFilter ? 'This batch has no jobs in the list' : 'No evaluations yet'}>
              {batchFilter
                ? `Only the newest ${listLimit} evaluations are listed; the batch may be older. Show all batches to see the rest.`
                : 'Launch one above: pick a base model and its adapters, and a benchmark. Progress, results and comparisons show up here.'}
            </EmptyState>
          </Card>
        ) : (
          <div className="flex flex-col gap-4">
            {shown.map((g) => (
              <BatchCard key={g.key} group={g} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
