import { useSyncExternalStore } from 'react';
import { readStoredText, writeStoredText } from './browser-storage';

/** Where this browser keeps its access token (sent as `Authorization: Bearer`). */
export const TOKEN_KEY = 'qlora.token';

const listeners = new Set<() => void>();

export function getToken(): string | null {
  return readStoredText('local', TOKEN_KEY) || null;
}

/** Saves (or, with null or an empty string, forgets) the access token. */
export function setToken(token: string | null): void {
  // Kept as the bare token, not JSON, as earlier versions stored it.
  writeStoredText('local', TOKEN_KEY, token?.trim() || null);
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
