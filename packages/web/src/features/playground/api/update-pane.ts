import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export interface PaneUpdate {
  runId: string;
  pane: number;
  note?: string;
  vote?: 'up' | 'down' | null;
}

export const updatePane = ({ runId, pane, ...body }: PaneUpdate, options?: { keepalive?: boolean }) =>
  api.call('updatePlaygroundPane', { params: { id: runId, pane }, body }, options);

/** Saves the note or vote of one output. */
export function useUpdatePane() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: PaneUpdate) => updatePane(update),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() }),
    meta: { errorTitle: 'The note or vote could not be saved' },
  });
}
