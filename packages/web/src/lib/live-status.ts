import { createContext, useContext } from 'react';
import type { StreamState } from './sse';

/** State of the app-wide live-updates stream (`/api/events`), for indicators anywhere. */
export const LiveStatusContext = createContext<StreamState>('closed');

export function useLiveStatus(): StreamState {
  return useContext(LiveStatusContext);
}
