import { lazy, Suspense } from 'react';
import { Skeleton } from '../ui/skeleton';
import type { MetricPoint } from '../../lib/jobs/job-stream';

/** Chart.js loads in its own chunk, on first use, never with the main bundle. */
const JobCharts = lazy(() => import('./job-charts'));

/** A job's training or process charts; a same-sized placeholder while Chart.js loads. */
export function MetricsCharts({ metrics, specs }: { metrics: Record<string, MetricPoint[]>; specs: 'training' | 'process' }) {
  return (
    <Suspense
      fallback={
        <div className="grid gap-4 md:grid-cols-2" aria-busy="true" aria-label="Loading charts">
          <Skeleton className="h-60" />
          <Skeleton className="h-60" />
        </div>
      }
    >
      <JobCharts metrics={metrics} specs={specs} />
    </Suspense>
  );
}
