import { useEffect, useRef } from 'react';
import { api } from '../../../lib/api-client';

export const warmPlayground = () => api.call('warmPlayground');

/**
 * Asks the server once, when the page opens, to start an inference worker, so the first run
 * does not wait for it to load. Only a hint: nothing waits for it and its errors are ignored
 * (the run itself says what is wrong). Skipped for callers who can't run prompts.
 */
export function useWarmPlayground(allowed: boolean): void {
  const warmed = useRef(false);
  useEffect(() => {
    if (!allowed || warmed.current) return;
    warmed.current = true;
    warmPlayground().catch(() => {});
  }, [allowed]);
}
