import { lazy } from 'react';

/** Each page is its own chunk, loaded on first visit and prefetched when the browser is idle. */
export const pageImports = {
  dashboard: () => import('../features/dashboard/components/dashboard-page'),
  fineTune: () => import('../features/fine-tune/components/fine-tune-page'),
  playground: () => import('../features/playground/components/playground-page'),
  evaluation: () => import('../features/evaluation/components/evaluation-page'),
  activity: () => import('../features/activity/components/activity-page'),
  jobDetail: () => import('../features/activity/components/job-detail-page'),
  settings: () => import('../features/settings/components/settings-page'),
  palette: () => import('./layout/command-palette'),
};

export const DashboardPage = lazy(pageImports.dashboard);
export const FineTunePage = lazy(pageImports.fineTune);
export const PlaygroundPage = lazy(pageImports.playground);
export const EvaluationPage = lazy(pageImports.evaluation);
export const ActivityPage = lazy(pageImports.activity);
export const JobDetailPage = lazy(pageImports.jobDetail);
export const SettingsPage = lazy(pageImports.settings);

/** Fetches every page chunk in the background so later navigation is instant. */
export function prefetchPages() {
  const run = () => {
    for (const load of Object.values(pageImports)) void load().catch(() => {});
  };
  if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1500);
}
