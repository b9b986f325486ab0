import { evaluationReportSections, type EvaluationReportFormat, type EvaluationReportSection } from '@qlora-studio/contracts';

/** Sections apply to the formats written for people; CSV and JSON always hold everything. */
export function formatHasSections(format: EvaluationReportFormat): boolean {
  return format === 'html' || format === 'markdown';
}

/**
 * GET /api/evaluations/report for these jobs (the base first). Sections are sent only for HTML
 * and Markdown, in the catalogue's order, and left out when all are chosen (the server's default).
 */
export function reportPath(jobIds: readonly string[], format: EvaluationReportFormat, sections: readonly EvaluationReportSection[]): string {
  const params = new URLSearchParams({ jobIds: jobIds.join(','), format });
  const chosen = evaluationReportSections.filter((s) => sections.includes(s));
  if (formatHasSections(format) && chosen.length < evaluationReportSections.length) {
    if (!chosen.length) throw new Error('Choose at least one section for the report.');
    params.set('sections', chosen.join(','));
  }
  return `/api/evaluations/report?${params.toString()}`;
}

const extensions: Record<EvaluationReportFormat, string> = { html: 'html', markdown: 'md', csv: 'csv', json: 'json' };

/** The file name the server gave (Content-Disposition), else `evaluation-report.<ext>`. */
export function reportFileName(contentDisposition: string | null, format: EvaluationReportFormat): string {
  const header = contentDisposition ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      // A malformed encoded name: fall through to the plain one.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)?.[1];
  return plain?.trim() || `evaluation-report.${extensions[format]}`;
}

/**
 * The Playground with this prompt and model. The adapter is passed only when its reference is a
 * fine-tune's job id (a folder reference holds a "/"); the Playground ignores ids it does not know.
 */
export function playgroundHref(prompt: string, modelId: string, adapterRef: string | null | undefined): string {
  const params = new URLSearchParams({ prompt, model: modelId });
  if (adapterRef && !adapterRef.includes('/')) params.set('adapter', adapterRef);
  return `/playground?${params.toString()}`;
}
