import { apiRoutes, type Dataset } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { networkError, parseErrorResponse, toQueryString } from '../../../lib/api-client';
import { getToken } from '../../../lib/auth-token';
import { datasetKeys } from '../../../lib/query-keys';

/**
 * Uploads a file through the dataset pipeline (POST /api/datasets/upload: JSON, JSONL, CSV,
 * Parquet…), as the Fine-tune page does, so a benchmark's data is a stored, versioned dataset.
 * XMLHttpRequest rather than fetch: it reports upload progress for the bar.
 */
export function uploadBenchmarkFile(file: File, onProgress: (fraction: number) => void): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiRoutes.uploadDataset.path + toQueryString({ fileName: file.name }));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as Dataset);
        } catch {
          reject(parseErrorResponse(xhr.status, '', xhr.statusText));
        }
      } else if ((xhr.status === 502 || xhr.status === 504) && !xhr.responseText.includes('"error"')) reject(networkError());
      else reject(parseErrorResponse(xhr.status, xhr.responseText, xhr.statusText));
    };
    xhr.onerror = () => reject(networkError());
    xhr.send(file);
  });
}

export function useUploadBenchmarkFile(onProgress: (fraction: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadBenchmarkFile(file, onProgress),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}
