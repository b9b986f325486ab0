import { Tabs } from 'radix-ui';
import { PageHeader } from '../../../components/ui/page-header';
import { TabTrigger } from '../../../components/ui/tab-trigger';
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
            <TabTrigger key={t} value={t}>
              {evaluationTabLabels[t]}
            </TabTrigger>
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
