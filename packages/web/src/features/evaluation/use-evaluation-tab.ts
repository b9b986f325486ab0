import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** The Evaluation page's tabs, in order: define benchmarks, run them, read the results. */
export const evaluationTabs = ['benchmarks', 'queue', 'results'] as const;
export type EvaluationTab = (typeof evaluationTabs)[number];

export const evaluationTabLabels: Record<EvaluationTab, string> = {
  benchmarks: 'Benchmarks',
  queue: 'Job queue',
  results: 'Results',
};

function isTab(value: string | null): value is EvaluationTab {
  return (evaluationTabs as readonly string[]).includes(value ?? '');
}

/**
 * The open tab lives in the URL (`?tab=queue`), with what it shows (`?batch=…`, `?jobs=base,other`),
 * so a link reopens the same view and Back returns to the previous one.
 */
export function useEvaluationTab(): {
  tab: EvaluationTab;
  search: URLSearchParams;
  /** Opens `tab` with these URL parameters (the others are dropped). */
  open: (tab: EvaluationTab, params?: Record<string, string>) => void;
} {
  const [search, setSearch] = useSearchParams();
  const value = search.get('tab');
  const tab = isTab(value) ? value : 'benchmarks';
  const open = useCallback((next: EvaluationTab, params: Record<string, string> = {}) => setSearch({ tab: next, ...params }), [setSearch]);
  return { tab, search, open };
}
