import { lazy, Suspense, type ComponentProps, type ComponentType } from 'react';
import { Skeleton } from '../../../../components/ui/skeleton';

/** Chart.js loads in its own chunk, on first use, never with the main bundle. */
const charts = () => import('./results-charts');
const LazyBars = lazy(() => charts().then((m) => ({ default: m.BarsChart })));
const LazyRadar = lazy(() => charts().then((m) => ({ default: m.ProfileRadar })));
const LazyStep = lazy(() => charts().then((m) => ({ default: m.StepChart })));

type Props<C> = C extends ComponentType<infer P> ? P : never;

/** A chart in a box of fixed height (no layout jump), a same-sized placeholder while Chart.js loads. */
function Frame({ height, children }: { height: string; children: React.ReactNode }) {
  return (
    <div className={`relative w-full min-w-0 ${height}`}>
      <Suspense fallback={<Skeleton className="h-full w-full" />}>{children}</Suspense>
    </div>
  );
}

export function BarsChart(props: Props<typeof LazyBars> & { height?: string }) {
  const { height = 'h-64', ...rest } = props;
  return (
    <Frame height={height}>
      <LazyBars {...(rest as ComponentProps<typeof LazyBars>)} />
    </Frame>
  );
}

export function ProfileRadar(props: Props<typeof LazyRadar>) {
  return (
    <Frame height="h-80 sm:h-96">
      <LazyRadar {...props} />
    </Frame>
  );
}

export function StepChart(props: Props<typeof LazyStep>) {
  return (
    <Frame height="h-64">
      <LazyStep {...props} />
    </Frame>
  );
}
