import type { CreatePlaygroundRunBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const createRun = (body: CreatePlaygroundRunBody) => api.call('createPlaygroundRun', { body });

/** Starts a run (queued on the server; follow it on its stream). Errors show next to Run. */
export function useCreateRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRun,
    onSuccess: (run) => {
      queryClient.setQueryData(playgroundKeys.run(run.id), run);
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() });
    },
  });
}
