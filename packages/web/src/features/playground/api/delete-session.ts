import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from './keys';

export const deleteSession = (id: string) => api.call('deletePlaygroundSession', { params: { id } });

/** Deletes a session and its runs (owner only). */
export function useDeleteSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSession,
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: playgroundKeys.session(id) });
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() });
    },
    meta: { errorTitle: 'The session could not be deleted' },
  });
}
