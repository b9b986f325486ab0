import type { EvaluationReportFormat, EvaluationReportSection } from '@qlora-studio/contracts';
import { networkError, parseErrorResponse } from '../../../../lib/api-client';
import { getToken } from '../../../../lib/auth-token';
import { reportFileName, reportPath } from '../links';

/**
 * The report file as a blob. The API client reads JSON only, so this fetches the report itself,
 * with the same bearer token, and turns an error reply into the same ApiClientError.
 */
export async function fetchReport(
  jobIds: readonly string[],
  format: EvaluationReportFormat,
  sections: readonly EvaluationReportSection[],
): Promise<{ blob: Blob; fileName: string }> {
  const token = getToken();
  let response: Response;
  try {
    response = await fetch(reportPath(jobIds, format, sections), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw networkError();
  }
  if (!response.ok) throw parseErrorResponse(response.status, await response.text().catch(() => ''), response.statusText);
  return { blob: await response.blob(), fileName: reportFileName(response.headers.get('content-disposition'), format) };
}

/** Saves a blob as a file through a temporary <a download>. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
