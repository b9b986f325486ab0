import { useMutation, useQueryClient } from '@tanstack/react-query';
import { uploadDataset } from '../../../lib/datasets/upload-dataset';
import { datasetKeys } from '../../../lib/query-keys';

/**
 * Uploads a benchmark's file through the dataset pipeline (JSON, JSONL, CSV, Parquet…), as the
 * Fine-tune page does, so a benchmark's data is a stored, versioned dataset.
 */
export function useUploadBenchmarkFile(onProgress: (fraction: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadDataset({ file, onProgress }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}
