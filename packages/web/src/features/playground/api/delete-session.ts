import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const deleteSession = (id: string) => api.call('deletePlaygroundSession', { params: { id } });

/** Deletes a session and its runs (owner only). */
export function useDeleteSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSession,
    onSuccess: (_, id) => {
      // The page may still show the deleted session for a moment: drop it from the cache only
      // once nothing reads it, so it is not fetched again (a 404).
      queryClient.removeQueries({ queryKey: playgroundKeys.session(id), type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessionLists() });
    },
    meta: { errorTitle: 'The session could not be deleted' },
  });
}
