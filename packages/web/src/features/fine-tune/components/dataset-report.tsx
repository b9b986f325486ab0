import type { DatasetReport, DatasetSample, TokenStats } from '@qlora-studio/contracts';
import { datasetFormatLabels } from '@qlora-studio/contracts';
import { Badge } from '../../../components/ui/badge';
import { Alert } from '../../../components/ui/alert';
import { cn } from '../../../lib/cn';
import { seqLenAdvice } from '../seq-len-advice';
import { ProblemList } from './problem-list';

/** One figure with its name, in a definition list. */
export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg border border-line bg-surface-muted px-3 py-2">
      <dt className="text-xs font-medium text-fg-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

/** Token lengths as plain CSS bars; bins past the sequence length are hatched and named. */
export function TokenHistogram({ stats }: { stats: TokenStats }) {
  const max = Math.max(1, ...stats.histogram.map((b) => b.count));
  const summary = stats.histogram.map((b) => `${b.start}–${b.end} tokens: ${b.count}`).join('; ');
  return (
    <figure className="flex flex-col gap-2">
      <div role="img" aria-label={`Histogram of record lengths. ${summary}.`} className="flex h-32 items-end gap-0.5 border-b border-line-strong">
        {stats.histogram.map((b) => {
          const over = b.end > stats.seqLen;
          return (
            <div
              key={b.start}
              title={`${b.start}–${b.end} tokens: ${b.count} records${over ? ' (over the sequence length)' : ''}`}
              className={cn(
                'min-w-1 flex-1 rounded-t-sm',
                over ? 'bg-warning bg-[repeating-linear-gradient(45deg,transparent_0_3px,rgb(0_0_0/0.25)_3px_6px)]' : 'bg-primary',
              )}
              style={{ height: `${Math.max(b.count ? 4 : 0, (b.count / max) * 100)}%` }}
            />
          );
        })}
      </div>
      <figcaption className="flex justify-between text-xs text-fg-muted">
        <span>0 tokens</span>
        <span>Records by length (hatched: longer than {stats.seqLen})</span>
        <span>{stats.histogram.at(-1)?.end ?? stats.max} tokens</span>
      </figcaption>
    </figure>
  );
}

/** The text the model sees, trained pieces marked apart from masked ones. */
export function MaskingPreview({ samples }: { samples: DatasetSample[] }) {
  return (
    <div className="flex flex-col gap-3">
      <p className="flex flex-wrap items-center gap-4 text-sm" aria-label="Legend">
        <span className="flex items-center gap-2">
          <span className="rounded bg-success-soft px-1.5 font-medium text-fg underline decoration-success decoration-2 underline-offset-4">Trained</span>
          the model learns to write these tokens
        </span>
        <span className="flex items-center gap-2">
          <span className="rounded border border-dashed border-line-strong px-1.5 text-fg-muted">Masked</span>
          seen as context, not learned
        </span>
      </p>
      {samples.map((s) => (
        <figure key={s.record} className="rounded-lg border border-line">
          <figcaption className="flex flex-wrap items-center gap-2 border-b border-line px-3 py-2 text-xs text-fg-muted">
            <span className="font-medium text-fg">Record {s.record + 1}</span>
            <span>
              {s.trainedTokens} of {s.tokens} tokens trained
            </span>
            {s.truncated && <Badge tone="warning">Truncated at the sequence length</Badge>}
          </figcaption>
          <pre className="relative max-h-72 overflow-auto px-3 py-2 font-mono text-sm leading-6 whitespace-pre-wrap break-words">
            {s.pieces.map((p, i) =>
              p.trained ? (
                <span key={i} className="rounded-sm bg-success-soft text-fg underline decoration-success decoration-2 underline-offset-4">
                  <span className="sr-only">[trained] </span>
                  {p.text}
                  <span className="sr-only"> [end trained] </span>
                </span>
              ) : (
                <span key={i} className="text-fg-muted">
                  <span className="sr-only">[masked] </span>
                  {p.text}
                </span>
              ),
            )}
          </pre>
        </figure>
      ))}
    </div>
  );
}

/** What the server found in the dataset: problems, duplicates, lengths and the masking preview. */
export function DatasetReportView({ report, hasModel, modelMaxSeqLen }: { report: DatasetReport; hasModel: boolean; modelMaxSeqLen?: number }) {
  const t = report.tokens;
  const advice = t ? seqLenAdvice(t, { valid: report.valid, modelMax: modelMaxSeqLen }) : null;
  return (
    <div className="flex flex-col gap-6">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label="Layout" value={report.format ? datasetFormatLabels[report.format].split(' (')[0]! : 'Not recognised'} />
        <Stat label="Records" value={report.records.toLocaleString()} />
        <Stat label="Will train" value={report.valid.toLocaleString()} />
        <Stat label="Errors" value={report.errorCount.toLocaleString()} />
        <Stat label="Warnings" value={report.warningCount.toLocaleString()} />
        <Stat label="Duplicates" value={report.duplicates.toLocaleString()} />
      </dl>
      {!report.format && (
        <Alert tone="danger" title="The record layout was not recognised">
          Open “Format and columns” below, choose the layout and which columns hold each field, then read the file again.
        </Alert>
      )}
      {report.valid === 0 && report.format && (
        <Alert tone="danger" title="No record can train">
          Fix the errors below and upload a fixed version, or set the format and column mapping under “Format and columns”.
        </Alert>
      )}
      {report.problems.length > 0 && <ProblemList problems={report.problems} total={report.errorCount + report.warningCount} />}
      {t ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <div className="flex flex-col gap-3">
            <h4 className="font-semibold">Token lengths</h4>
            <dl className="grid grid-cols-3 gap-3">
              <Stat label="Mean" value={Math.round(t.mean).toLocaleString()} />
              <Stat label="Median" value={t.p50.toLocaleString()} />
              <Stat label="99th percentile" value={t.p99.toLocaleString()} />
              <Stat label="Longest" value={t.max.toLocaleString()} />
              <Stat label="Tokens trained" value={t.trainedTokens.toLocaleString()} />
              <Stat label={`Over ${t.seqLen}`} value={t.overSeqLen.toLocaleString()} />
            </dl>
            <TokenHistogram stats={t} />
            {advice && (
              <Alert tone={advice.tone} title={advice.title}>
                {advice.body}
              </Alert>
            )}
          </div>
          <div className="flex min-w-0 flex-col gap-3">
            <h4 className="font-semibold">Masking preview</h4>
            {report.samples.length ? <MaskingPreview samples={report.samples} /> : <p className="text-sm text-fg-muted">No valid records to preview.</p>}
          </div>
        </div>
      ) : (
        <p className="text-sm text-fg-muted">
          {hasModel ? 'Token statistics are loading…' : 'Choose a base model in step 1 to see token lengths and the masking preview with its tokenizer.'}
        </p>
      )}
    </div>
  );
}
