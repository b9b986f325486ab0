import { MutationCache, QueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { isApiClientError } from '../lib/api-client';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** Toast title when the mutation fails, e.g. "The job could not be started". */
      errorTitle?: string;
    };
  }
}

/** A failed action as a toast: what went wrong and what to do next. */
export function toastError(title: string | undefined, error: unknown) {
  if (isApiClientError(error)) {
    const extra = error.code === 'UNAUTHENTICATED' ? ' You can add a token under Settings → Connection.' : '';
    toast.error(title ?? error.message, {
      description: title ? `${error.message} ${error.hint}${extra}` : `${error.hint}${extra}`,
      duration: 10_000,
    });
  } else {
    toast.error(title ?? 'Something went wrong', {
      description: `${(error as Error)?.message ?? String(error)} Try again, or reload the page.`,
      duration: 10_000,
    });
  }
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    // Queries show their failures where their data would be; failed actions raise a toast.
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => toastError(mutation.meta?.errorTitle, error),
    }),
    defaultOptions: {
      queries: {
        // A 4xx will not fix itself; network blips and 5xx get two more tries.
        retry: (failureCount, error) => (isApiClientError(error) && error.status >= 400 && error.status < 500 ? false : failureCount < 2),
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
