import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { downloadText, fileSlug } from '../output-format';

export const exportSession = (id: string) => api.call('exportPlaygroundSession', { params: { id } });

/** Downloads a session as the JSON file the import accepts. */
export function useExportSession() {
  return useMutation({
    mutationFn: exportSession,
    onSuccess: (file) => downloadText(`${JSON.stringify(file, null, 2)}\n`, `${fileSlug(file.session.title)}.playground.json`, 'application/json'),
    meta: { errorTitle: 'The session could not be exported' },
  });
}
