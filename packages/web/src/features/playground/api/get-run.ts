import { api } from '../../../lib/api-client';

/** A run with its outputs so far (to fill a gap in its stream). */
export const getRun = (id: string, signal?: AbortSignal) => api.call('getPlaygroundRun', { params: { id } }, { signal });
