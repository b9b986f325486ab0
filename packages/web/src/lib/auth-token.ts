import { useSyncExternalStore } from 'react';

/** Where this browser keeps its access token (sent as `Authorization: Bearer`). */
export const TOKEN_KEY = 'qlora.token';

const listeners = new Set<() => void>();

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

/** Saves (or, with null or an empty string, forgets) the access token. */
export function setToken(token: string | null): void {
  try {
    if (token && token.trim()) localStorage.setItem(TOKEN_KEY, token.trim());
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage unavailable: nothing to remember.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === TOKEN_KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** The current token; re-renders when it changes here or in another tab. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}
