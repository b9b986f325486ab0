import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { RouterProvider } from 'react-router';
import { Toaster } from 'sonner';
import { TooltipProvider } from '../components/ui/tooltip';
import { usePreferences } from '../lib/preferences';
import { createQueryClient } from './query-client';
import { router } from './router';
import { UiStateProvider } from './ui-state';

/** Toasts in the app's colours, so they meet the same contrast as everything else. */
const toastStyle = {
  '--normal-bg': 'var(--color-surface)',
  '--normal-text': 'var(--color-fg)',
  '--normal-border': 'var(--color-line-strong)',
  '--success-bg': 'var(--color-success-soft)',
  '--success-text': 'var(--color-success-text)',
  '--error-bg': 'var(--color-danger-soft)',
  '--error-text': 'var(--color-danger-text)',
} as CSSProperties;

function AppToaster() {
  const { theme } = usePreferences();
  return (
    <Toaster
      theme={theme === 'light' ? 'light' : 'dark'}
      position="bottom-right"
      style={toastStyle}
      toastOptions={{
        classNames: {
          toast: 'font-sans !rounded-xl !shadow-raised',
          description: '!text-fg-muted',
          actionButton: '!bg-primary !text-primary-fg !font-semibold !h-11 !px-3',
        },
      }}
    />
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TooltipProvider delayDuration={300}>
        <UiStateProvider>
          <RouterProvider router={router} />
          <AppToaster />
        </UiStateProvider>
      </TooltipProvider>
    </QueryClientProvider>
  );
}
