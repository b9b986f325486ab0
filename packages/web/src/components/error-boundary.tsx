import { AlertTriangle, RotateCcw } from 'lucide-react';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from './ui/button';

interface Props {
  children: ReactNode;
  /** What failed, for the message: "This page", "The log viewer". */
  name?: string;
}
interface State {
  error: Error | null;
}

/**
 * Catches a render error so one broken page does not blank the app. Shows what happened and
 * offers to try again (re-render) or reload.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('QLoRA Studio: a page failed to render', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunkFailed = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(error.message);
    return (
      <div role="alert" className="mx-auto my-12 max-w-xl rounded-xl border border-danger/40 bg-surface p-6 shadow-card">
        <div className="flex items-start gap-3">
          <AlertTriangle className="mt-0.5 size-5 shrink-0 text-danger-text" aria-hidden />
          <div className="min-w-0">
            <h2 className="text-lg font-semibold">{this.props.name ?? 'This page'} could not be shown</h2>
            <p className="mt-1 text-fg-muted">
              {chunkFailed
                ? 'Part of the app could not be downloaded. The server may have restarted with a new version.'
                : 'Something went wrong while drawing it. The rest of the app still works.'}{' '}
              Try again, or reload the page. If it keeps happening, the browser console has the details.
            </p>
            <pre className="mt-3 max-h-32 overflow-auto rounded-lg bg-surface-muted p-3 text-xs text-fg-muted">{error.message}</pre>
            <div className="mt-4 flex flex-wrap gap-3">
              <Button onClick={() => this.setState({ error: null })}>
                <RotateCcw aria-hidden /> Try again
              </Button>
              <Button variant="secondary" onClick={() => window.location.reload()}>
                Reload page
              </Button>
            </div>
          </div>
        </div>
      </div>
    );
  }
}
