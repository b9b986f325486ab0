import type { BaseModel, RouteInput } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { modelKeys } from '../../../lib/query-keys';

export const createDemoModel = (body: RouteInput<'createDemoModel'>['body'] = {}) => api.call('createDemoModel', { body });

/** Makes a small random model with a real tokenizer, so the app can be tried offline. */
export function useCreateDemoModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDemoModel,
    onSuccess: (_: BaseModel) => void queryClient.invalidateQueries({ queryKey: modelKeys.all }),
    meta: { errorTitle: 'The demo model could not be created' },
  });
}
