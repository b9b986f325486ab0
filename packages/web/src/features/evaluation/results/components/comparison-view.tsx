import type { EvaluationSummary } from '@qlora-studio/contracts';
import { ArrowLeft } from 'lucide-react';
import { useId, useMemo } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Skeleton } from '../../../../components/ui/skeleton';
import { isApiClientError } from '../../../../lib/api-client';
import { useEvaluationTab } from '../../use-evaluation-tab';
import { useComparison } from '../api/compare-evaluations';
import { useEvaluations } from '../api/list-evaluations';
import { ExamplesTable } from './examples-table';
import { MetricsOverview, ModelsTable, VerdictSummary } from './overview';
import { ReportDialog } from './report-dialog';
import { BenchmarkProfile, StepProgress } from './trends';

/** With `?jobs=base,other…`: the comparison, its charts, its examples and the report. */
export function ComparisonView({ jobIds }: { jobIds: string[] }) {
  const { search, open } = useEvaluationTab();
  const comparison = useComparison(jobIds);
  const list = useEvaluations();
  const titleId = useId();
  const metricsId = useId();
  const benchmark = search.get('benchmark');
  const back = () => open('results', benchmark ? { benchmark } : {});
  const evaluations = useMemo(() => list.data?.evaluations ?? [], [list.data]);
  // The summaries of the compared jobs, in the comparison's order: model ids and adapter refs for links and trends.
  const jobs = useMemo(() => jobIds.map((id) => evaluations.find((e) => e.jobId === id)), [jobIds, evaluations]);
  const known = jobs.filter((j): j is EvaluationSummary => j !== undefined);

  const backButton = (
    <Button variant="secondary" onClick={back}>
      <ArrowLeft aria-hidden />
      Choose other evaluations
    </Button>
  );

  if (jobIds.length < 2) {
    return (
      <Alert tone="warning" title="Two evaluations are needed" role="alert" action={backButton}>
        The link names {jobIds.length} evaluation{jobIds.length === 1 ? '' : 's'}: a comparison needs a base and at least one other.
      </Alert>
    );
  }
  if (comparison.isPending) {
    return (
      <div className="flex flex-col gap-4" aria-busy="true" aria-label="Loading the comparison">
        <Skeleton className="h-32" />
        <Skeleton className="h-72" />
      </div>
    );
  }
  if (comparison.isError) {
    const e = comparison.error;
    const invalid = isApiClientError(e) && e.code === 'EVALUATION_COMPARE_INVALID';
    return (
      <Alert
        tone="danger"
        title={invalid ? 'These evaluations cannot be compared' : 'The comparison could not be loaded'}
        role="alert"
        action={
          <>
            {backButton}
            {!invalid && <Button onClick={() => void comparison.refetch()}>Try again</Button>}
          </>
        }
      >
        {e.message} {isApiClientError(e) ? e.hint : ''}
      </Alert>
    );
  }

  const c = comparison.data;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id={titleId} className="text-lg font-semibold break-words">
            {c.benchmark.name}
            {c.benchmark.version !== undefined ? ` v${c.benchmark.version}` : ''}
          </h2>
          <p className="text-sm wrap-anywhere text-fg-muted">
            {c.models.length} models on {c.benchmark.items} items; the base is {c.models[0]?.label}.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {backButton}
          <ReportDialog jobIds={jobIds} comparison={c} />
        </div>
      </div>
      <VerdictSummary comparison={c} />
      <ModelsTable comparison={c} />
      <section aria-labelledby={metricsId} className="flex flex-col gap-3">
        <h3 id={metricsId} className="text-base font-semibold">
          Metrics
        </h3>
        <MetricsOverview comparison={c} />
      </section>
      {known.length === jobIds.length && (
        <>
          <BenchmarkProfile jobs={known} evaluations={evaluations} />
          <StepProgress base={known[0]!} jobs={known} evaluations={evaluations} comparison={c} />
        </>
      )}
      <ExamplesTable comparison={c} jobs={jobs} />
    </div>
  );
}
