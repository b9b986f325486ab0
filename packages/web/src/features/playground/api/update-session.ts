import type { PlaygroundDraft } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export interface SessionUpdate {
  id: string;
  title?: string;
  shared?: boolean;
  draft?: PlaygroundDraft;
}

export const updateSession = ({ id, ...body }: SessionUpdate) => api.call('updatePlaygroundSession', { params: { id }, body });

/** Renames a session, shares it with the workspace, or saves its draft (owner only). */
export function useUpdateSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSession,
    onSuccess: (session) => {
      queryClient.setQueryData(playgroundKeys.session(session.id), session);
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() });
    },
    meta: { errorTitle: 'The session could not be updated' },
  });
}
