import { apiRoutes, fillPath, type Dataset } from '@qlora-studio/contracts';
import { networkError, parseErrorResponse, toQueryString } from '../api-client';
import { getToken } from '../auth-token';

export interface UploadOptions {
  file: Blob & { name: string };
  /** Display name; the server takes it from the file name when left out. */
  name?: string;
  /** Upload a new version of this dataset instead of a new dataset. */
  datasetId?: string;
  /** 0–1 as bytes go out. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** The URL of uploadDataset or uploadDatasetVersion. Pure, for tests. */
export function uploadUrl(fileName: string, name?: string, datasetId?: string): string {
  const route = datasetId ? apiRoutes.uploadDatasetVersion : apiRoutes.uploadDataset;
  return fillPath(route.path, datasetId ? { id: datasetId } : undefined) + toQueryString({ fileName, name: name?.trim() || undefined });
}

/**
 * Sends the raw file as the body with XMLHttpRequest, so upload progress can drive a bar
 * (fetch cannot report it). Same auth and errors as the API client.
 */
export function uploadDataset({ file, name, datasetId, onProgress, signal }: UploadOptions): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', uploadUrl(file.name, name, datasetId));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
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
    xhr.onabort = () => reject(new DOMException('The upload was canceled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
