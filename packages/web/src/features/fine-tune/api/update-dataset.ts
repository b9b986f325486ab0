import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../../lib/api-client';
import { datasetKeys } from '../../../lib/query-keys';

export const updateDataset = ({ id, name }: { id: string; name: string }) => api.call('updateDataset', { params: { id }, body: { name } });

/** Refetches every dataset list, report and page of records. */
export function useInvalidateDatasets() {
  const queryClient = useQueryClient();
  return useCallback(() => void queryClient.invalidateQueries({ queryKey: datasetKeys.all }), [queryClient]);
}

/** Renames a dataset. */
export function useUpdateDataset() {
  const invalidate = useInvalidateDatasets();
  return useMutation({ mutationFn: updateDataset, onSuccess: invalidate, meta: { errorTitle: 'The dataset could not be renamed' } });
}
