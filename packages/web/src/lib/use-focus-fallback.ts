import { useCallback, useLayoutEffect, useRef, type RefCallback } from 'react';

/**
 * A ref for a control that may disappear while it has focus (Stop once the run ends, Remove
 * once its item is gone). When it leaves the page focused, focus moves to what `fallback`
 * returns (given the parent it had, if still on the page) instead of dropping to <body>, where
 * keyboard and screen-reader users lose their place.
 */
export function useFocusFallback<T extends HTMLElement>(fallback: (formerParent: HTMLElement | null) => HTMLElement | null | undefined): RefCallback<T> {
  const latest = useRef(fallback);
  useLayoutEffect(() => {
    latest.current = fallback;
  });
  return useCallback((node: T | null) => {
    if (!node) return;
    return () => {
      if (!node.contains(document.activeElement)) return;
      const parent = node.parentElement;
      // React detaches the ref before the node leaves the page: look again once the commit is done.
      queueMicrotask(() => {
        const lost = document.activeElement === null || document.activeElement === document.body;
        if (!node.isConnected && lost) latest.current(parent?.isConnected ? parent : null)?.focus();
      });
    };
  }, []);
}
