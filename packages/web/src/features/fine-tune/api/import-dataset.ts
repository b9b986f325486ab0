import type { ImportDatasetBody } from '@qlora-studio/contracts';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useInvalidateDatasets } from './update-dataset';

export const importDataset = (body: ImportDatasetBody) => api.call('importDataset', { body });

/** Copies a dataset file from a path on the server. */
export function useImportDataset() {
  const invalidate = useInvalidateDatasets();
  return useMutation({ mutationFn: importDataset, onSuccess: invalidate, meta: { errorTitle: 'The dataset could not be imported' } });
}
