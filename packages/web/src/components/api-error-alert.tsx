import type { ReactNode } from 'react';
import { Alert } from './ui/alert';
import { Button } from './ui/button';
import { isApiClientError } from '../lib/api-client';

/** A failed call where its result would be: the server's message and what to do next. */
export function ApiErrorAlert({ title, error, action, onRetry }: { title: string; error: unknown; action?: ReactNode; onRetry?: () => void }) {
  const message = isApiClientError(error) ? error.message : ((error as Error)?.message ?? String(error));
  const hint = isApiClientError(error) ? error.hint : 'Try again, or reload the page.';
  return (
    <Alert
      tone="danger"
      role="alert"
      title={title}
      action={
        action ??
        (onRetry && (
          <Button variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        ))
      }
    >
      <p>{message}</p>
      <p className="mt-1">What to do: {hint}</p>
    </Alert>
  );
}
