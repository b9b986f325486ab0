import { createBrowserRouter, Link, Navigate, useParams, useRouteError } from 'react-router';
import { Button } from '../components/ui/button';
import { AppLayout } from './layout/app-layout';
import { NotFoundPage } from './not-found-page';
import { Page } from './page';
import { ActivityPage, DashboardPage, EvaluationPage, FineTunePage, JobDetailPage, PlaygroundPage, SettingsPage } from './pages';

/** Last resort when the layout itself fails: say so and offer a way back. */
function RootError() {
  const error = useRouteError() as Error | undefined;
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center gap-4 p-6">
      <h1 className="text-2xl font-semibold">QLoRA Studio hit a problem</h1>
      <p className="text-fg-muted">
        The app could not start this screen{error?.message ? `: ${error.message}` : '.'} Reload the page; if it keeps happening, restart the server and check
        the browser console.
      </p>
      <div className="flex gap-3">
        <Button onClick={() => window.location.reload()}>Reload</Button>
        <Button asChild variant="secondary">
          <Link to="/">Go to the Dashboard</Link>
        </Button>
      </div>
    </main>
  );
}

/** `/playground/sessions/:id` (a link to share) opens the Playground with that session. */
function PlaygroundSessionRedirect() {
  const { sessionId = '' } = useParams();
  return <Navigate to={`/playground?session=${encodeURIComponent(sessionId)}`} replace />;
}

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    errorElement: <RootError />,
    children: [
      {
        index: true,
        element: (
          <Page>
            <DashboardPage />
          </Page>
        ),
      },
      {
        path: 'fine-tune',
        element: (
          <Page>
            <FineTunePage />
          </Page>
        ),
      },
      {
        path: 'playground',
        element: (
          <Page>
            <PlaygroundPage />
          </Page>
        ),
      },
      { path: 'playground/sessions/:sessionId', element: <PlaygroundSessionRedirect /> },
      {
        path: 'evaluation',
        element: (
          <Page>
            <EvaluationPage />
          </Page>
        ),
      },
      {
        path: 'activity',
        element: (
          <Page>
            <ActivityPage />
          </Page>
        ),
      },
      {
        path: 'activity/jobs/:jobId',
        element: (
          <Page>
            <JobDetailPage />
          </Page>
        ),
      },
      {
        path: 'settings',
        element: (
          <Page>
            <SettingsPage />
          </Page>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
