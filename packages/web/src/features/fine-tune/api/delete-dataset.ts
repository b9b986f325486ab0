import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useInvalidateDatasets } from './update-dataset';

export const deleteDataset = (id: string) => api.call('deleteDataset', { params: { id } });

/** Deletes a dataset and its files (the server refuses while a job uses it). */
export function useDeleteDataset() {
  const invalidate = useInvalidateDatasets();
  return useMutation({ mutationFn: deleteDataset, onSuccess: invalidate, meta: { errorTitle: 'The dataset could not be deleted' } });
}
