import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const stopRun = ({ id, pane }: { id: string; pane?: number }) =>
  api.call('stopPlaygroundRun', { params: { id }, body: pane === undefined ? {} : { pane } });

/** Stops every pane of a run, or one; what was generated stays. */
export function useStopRun() {
  return useMutation({ mutationFn: stopRun, meta: { errorTitle: 'Generation could not be stopped' } });
}
