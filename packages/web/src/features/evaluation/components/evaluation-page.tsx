import { Tabs } from 'radix-ui';
import { PageHeader } from '../../../components/ui/page-header';
import { cn } from '../../../lib/cn';
import { ResultsTab } from '../results/results-tab';
import { evaluationTabLabels, evaluationTabs, useEvaluationTab, type EvaluationTab } from '../use-evaluation-tab';
import { BenchmarksTab } from './benchmarks-tab';
import { QueueTab } from './queue-tab';

const panels: Record<EvaluationTab, () => React.JSX.Element> = { benchmarks: BenchmarksTab, queue: QueueTab, results: ResultsTab };

/** Evaluation: benchmarks (what to measure), the job queue (models × benchmarks) and the results (did it help?). */
export default function EvaluationPage() {
  const { tab, open } = useEvaluationTab();
  return (
    <>
      <PageHeader
        title="Evaluation"
        description="Did fine-tuning help? Score models and adapters on benchmarks, compare them with the base model, and export a report."
      />
      <Tabs.Root value={tab} onValueChange={(v) => open(v as EvaluationTab)}>
        <Tabs.List aria-label="Evaluation" className="flex flex-wrap gap-1 border-b border-line">
          {evaluationTabs.map((t) => (
            <Tabs.Trigger
              key={t}
              value={t}
              className={cn(
                '-mb-px inline-flex min-h-11 items-center gap-2 border-b-2 border-transparent px-4 text-sm font-medium text-fg-muted hover:text-fg',
                'data-[state=active]:border-primary data-[state=active]:text-fg',
              )}
            >
              {evaluationTabLabels[t]}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {evaluationTabs.map((t) => {
          const Panel = panels[t];
          return (
            <Tabs.Content key={t} value={t} className="pt-6">
              <Panel />
            </Tabs.Content>
          );
        })}
      </Tabs.Root>
    </>
  );
}
