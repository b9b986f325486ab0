import type { DatasetParseOptions } from '@qlora-studio/contracts';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { useInvalidateDatasets } from './update-dataset';

export const reparseDataset = ({ id, parseOptions }: { id: string; parseOptions: DatasetParseOptions }) =>
  api.call('reparseDataset', { params: { id }, body: { parseOptions } });

/** Reads the stored file again with another format or column mapping, as a new version. */
export function useReparseDataset() {
  const invalidate = useInvalidateDatasets();
  return useMutation({ mutationFn: reparseDataset, onSuccess: invalidate, meta: { errorTitle: 'The dataset could not be read again' } });
}
