import { playgroundSessionFileSchema, type PlaygroundSessionFile } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiClientError } from '../../../lib/api-client';
import { playgroundKeys } from '../../../lib/query-keys';

export const importSession = (file: PlaygroundSessionFile) => api.call('importPlaygroundSession', { body: file });

/** Reads a chosen file and checks it is a Playground session export before sending it. */
export async function readSessionFile(file: File): Promise<PlaygroundSessionFile> {
  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch {
    throw new ApiClientError('VALIDATION_FAILED', `“${file.name}” is not JSON.`, 0);
  }
  const parsed = playgroundSessionFileSchema.safeParse(data);
  if (!parsed.success)
    throw new ApiClientError(
      'VALIDATION_FAILED',
      `“${file.name}” is not a Playground session export (${parsed.error.issues[0]?.message ?? 'unknown format'}).`,
      0,
    );
  return parsed.data;
}

/** Imports an exported session as a new session of yours. */
export function useImportSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => importSession(await readSessionFile(file)),
    onSuccess: (session) => {
      queryClient.setQueryData(playgroundKeys.session(session.id), session);
      void queryClient.invalidateQueries({ queryKey: playgroundKeys.sessions() });
    },
    meta: { errorTitle: 'The session could not be imported' },
  });
}
