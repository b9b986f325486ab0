import { useEvaluationTab } from '../use-evaluation-tab';
import { ComparePicker } from './components/compare-picker';
import { ComparisonView } from './components/comparison-view';
import { parseJobIds } from './selection';

/**
 * The Results tab: without `?jobs=`, choose the evaluations to compare; with `?jobs=base,other…`,
 * the comparison (did it help, where, how sure), its charts, its examples and the report.
 */
export function ResultsTab(): React.JSX.Element {
  const { search } = useEvaluationTab();
  const jobs = search.get('jobs');
  const jobIds = parseJobIds(jobs);
  // The key resets the view's own state (filters, open rows) when another comparison opens.
  return jobs === null ? <ComparePicker /> : <ComparisonView key={jobIds.join(',')} jobIds={jobIds} />;
}
