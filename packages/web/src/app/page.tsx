import { Suspense, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { ErrorBoundary } from '../components/error-boundary';
import { Skeleton } from '../components/ui/skeleton';

function PageSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading the page" className="flex flex-col gap-6">
      <Skeleton className="h-9 w-56" />
      <Skeleton className="h-5 w-96 max-w-full" />
      <div className="grid gap-6 md:grid-cols-2">
        <Skeleton className="h-48" />
        <Skeleton className="h-48" />
      </div>
    </div>
  );
}

/** Wraps one page: its own error boundary (reset on navigation) and a skeleton while its code loads. */
export function Page({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary key={pathname}>
      <Suspense fallback={<PageSkeleton />}>
        <div className="animate-page-in">{children}</div>
      </Suspense>
    </ErrorBoundary>
  );
}
