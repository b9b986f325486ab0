import { evaluationReportSections, type EvaluationComparison, type EvaluationReportFormat, type EvaluationReportSection } from '@qlora-studio/contracts';
import { Download, FileDown, Printer } from 'lucide-react';
import { useState } from 'react';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '../../../../components/ui/dialog';
import { RadioCard, RadioGroup } from '../../../../components/ui/radio-group';
import { isApiClientError } from '../../../../lib/api-client';
import { fetchReport, saveBlob } from '../api/download-report';
import { formatHasSections } from '../links';

const formats: { value: EvaluationReportFormat; label: string; help: string }[] = [
  { value: 'html', label: 'HTML', help: 'One self-contained page with charts and print styles; opens anywhere, prints to PDF.' },
  { value: 'markdown', label: 'Markdown', help: 'Tables and verdicts as text, for a README, an issue or a notebook.' },
  { value: 'csv', label: 'CSV', help: 'One row per example and model, for a spreadsheet (always every column).' },
  { value: 'json', label: 'JSON', help: 'The whole comparison as data, for your own scripts (always everything).' },
];

const sectionLabels: Record<EvaluationReportSection, string> = {
  summary: 'Summary and verdicts',
  metrics: 'Metrics table',
  charts: 'Charts',
  examples: 'Examples',
  settings: 'Settings (models, quant, kernels, versions)',
};

type Busy = 'download' | 'print' | null;

/** Export the comparison as a file in the chosen format and sections, or open the HTML report to print it. */
export function ReportDialog({ jobIds, comparison }: { jobIds: readonly string[]; comparison: EvaluationComparison }) {
  const [format, setFormat] = useState<EvaluationReportFormat>('html');
  const [sections, setSections] = useState<EvaluationReportSection[]>([...evaluationReportSections]);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const withSections = formatHasSections(format);
  const noSection = withSections && sections.length === 0;

  const fail = (e: unknown) => setError(isApiClientError(e) ? `${e.message} ${e.hint}` : `The report could not be made: ${(e as Error).message}. Try again.`);

  async function download() {
    setBusy('download');
    setError(null);
    try {
      const { blob, fileName } = await fetchReport(jobIds, format, sections);
      saveBlob(blob, fileName);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  async function print() {
    // Opened now, while the click still counts as the user's: a window opened after the fetch is blocked.
    const win = window.open('', '_blank');
    setBusy('print');
    setError(null);
    try {
      const { blob } = await fetchReport(jobIds, 'html', sections.length ? sections : [...evaluationReportSections]);
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
      if (win) win.location.href = url;
      else setError('The browser blocked the new tab: allow pop-ups for this site, or download the HTML report and print it.');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      win?.close();
      fail(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Dialog onOpenChange={() => setError(null)}>
      <DialogTrigger asChild>
        <Button variant="secondary">
          <FileDown aria-hidden />
          Export report
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Export report</DialogTitle>
          <DialogDescription>
            {comparison.benchmark.name}: {comparison.models.map((m) => m.label).join(' vs ')}.
          </DialogDescription>
        </DialogHeader>
        <DialogBody className="flex flex-col gap-5">
          <div className="flex flex-col gap-2">
            <p id="report-format-title" className="text-sm font-medium">
              Format
            </p>
            <RadioGroup
              aria-labelledby="report-format-title"
              value={format}
              onValueChange={(v) => setFormat(v as EvaluationReportFormat)}
              className="sm:grid-cols-2"
            >
              {formats.map((f) => (
                <RadioCard key={f.value} value={f.value} aria-describedby={`report-format-${f.value}`}>
                  <span className="font-medium">{f.label}</span>
                  <span id={`report-format-${f.value}`} className="mt-1 text-sm text-fg-muted">
                    {f.help}
                  </span>
                </RadioCard>
              ))}
            </RadioGroup>
          </div>
          <fieldset className="flex flex-col gap-2" disabled={!withSections} aria-describedby="report-sections-help">
            <legend className="text-sm font-medium">Sections</legend>
            <p id="report-sections-help" className="text-sm text-fg-muted">
              {withSections ? 'Choose what the report holds.' : 'CSV and JSON always hold everything: sections apply to HTML and Markdown.'}
            </p>
            <div className="grid gap-1 sm:grid-cols-2">
              {evaluationReportSections.map((s) => (
                <label key={s} className="flex min-h-11 items-center gap-3 text-sm">
                  <input
                    type="checkbox"
                    className="size-5 accent-primary"
                    checked={sections.includes(s)}
                    onChange={(e) => setSections((list) => (e.target.checked ? [...list, s] : list.filter((x) => x !== s)))}
                  />
                  {sectionLabels[s]}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="text-sm">
            <p className="font-medium">Computed with</p>
            <ul className="mt-1 text-fg-muted">
              {comparison.models.map((m, i) => (
                <li key={m.label}>
                  {m.label}
                  {i === 0 ? ' (base)' : ''}: {m.quant === 'none' ? 'float32 weights' : `${m.quant} weights`},{' '}
                  {m.kernels === 'float32' ? 'float32 kernels' : `${m.kernels} kernels`}
                </li>
              ))}
            </ul>
          </div>
          {noSection && (
            <Alert tone="warning" title="No section chosen" role="status">
              Choose at least one section to include in the report.
            </Alert>
          )}
          {error && (
            <Alert tone="danger" title="The report was not made" role="alert">
              {error}
            </Alert>
          )}
        </DialogBody>
        <DialogFooter>
          <Button variant="secondary" onClick={() => void print()} loading={busy === 'print'} disabled={busy !== null || noSection}>
            <Printer aria-hidden />
            Print / PDF
          </Button>
          <Button onClick={() => void download()} loading={busy === 'download'} disabled={busy !== null || noSection}>
            <Download aria-hidden />
            Download {formats.find((f) => f.value === format)!.label}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
