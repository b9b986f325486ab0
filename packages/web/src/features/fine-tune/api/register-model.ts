import type { BaseModel, RegisterModelBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { modelKeys } from '../../../lib/query-keys';

export const registerModel = (body: RegisterModelBody) => api.call('registerModel', { body });

/** Registers a model folder on the server; the error is shown in the dialog, not as a toast. */
export function useRegisterModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: registerModel,
    onSuccess: (_: BaseModel) => void queryClient.invalidateQueries({ queryKey: modelKeys.all }),
    meta: { errorTitle: 'The model could not be registered' },
  });
}
