import type { PlaygroundDraft } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const createSession = (body: { title?: string; draft?: PlaygroundDraft }) => api.call('createPlaygroundSession', { body });

/** Saves the draft as a new session of yours. */
export function useCreateSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSession,
    onSuccess: (session) => {
      queryClient.setQueryData(playgroundKeys.session(session.id), session);
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() });
    },
    meta: { errorTitle: 'The session could not be saved' },
  });
}
