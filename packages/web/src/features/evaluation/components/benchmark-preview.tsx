import type { BenchmarkPreview as Preview, BenchmarkTask } from '@qlora-studio/contracts';
import { CheckCircle2, Loader2 } from 'lucide-react';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';

/** Shows text as it will be sent: whitespace kept, and a leading space made visible (it matters for scoring). */
function Verbatim({ text, label }: { text: string; label: string }) {
  return (
    <pre aria-label={label} className="overflow-x-auto rounded-lg bg-surface-muted p-3 font-mono text-sm whitespace-pre-wrap break-words">
      {text.startsWith(' ') ? (
        <span aria-hidden className="text-fg-muted">
          ·
        </span>
      ) : null}
      {text.startsWith(' ') ? text.slice(1) : text}
    </pre>
  );
}

interface PreviewProps {
  task: BenchmarkTask;
  preview: Preview | undefined;
  /** What still stops the definition from being valid (no preview is asked for until it is). */
  problems: string[];
  loading: boolean;
  error: unknown;
}

/** The live preview: the first items as rendered, and every row that cannot become an item. */
export function BenchmarkPreviewPanel({ task, preview, problems, loading, error }: PreviewProps) {
  return (
    <section aria-labelledby="benchmark-preview-title" aria-busy={loading} className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id="benchmark-preview-title" className="font-semibold">
          Preview
        </h3>
        {loading && (
          <span className="inline-flex items-center gap-1 text-sm text-fg-muted">
            <Loader2 className="size-4 animate-spin" aria-hidden /> Updating…
          </span>
        )}
      </div>
      {problems.length > 0 ? (
        <Alert title="To see the preview, complete the form" role="status">
          <ul className="list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Alert>
      ) : error ? (
        <ApiErrorAlert title="The preview failed" error={error} />
      ) : preview ? (
        <PreviewItems task={task} preview={preview} />
      ) : null}
    </section>
  );
}

function PreviewItems({ task, preview }: { task: BenchmarkTask; preview: Preview }) {
  const valid = preview.rows - preview.problems.length;
  return (
    <div className="flex flex-col gap-4">
      <p role="status" className="flex flex-wrap items-center gap-2 text-sm">
        {preview.problems.length === 0 ? (
          <>
            <CheckCircle2 className="size-4 text-success-text" aria-hidden />
            All {preview.rows} rows become items.
          </>
        ) : (
          <>
            {valid} of {preview.rows} rows become items; {preview.problems.length} cannot (listed below). A benchmark needs every row to work: fix the mapping
            or the file.
          </>
        )}
      </p>
      <p className="text-sm text-fg-muted">The first {preview.items.length} items exactly as the model gets them; a · marks a leading space.</p>
      <ol aria-label="First items" className="flex flex-col gap-4">
        {preview.items.map((item) => (
          <li key={item.row} className="flex flex-col gap-2 rounded-xl border border-line p-4">
            <p className="text-sm font-medium">Item from {item.location}</p>
            <Verbatim label={`Prompt of ${item.location}`} text={item.prompt} />
            {task === 'multiple-choice' ? (
              <div>
                <p className="text-sm text-fg-muted">Continuations scored after the prompt:</p>
                <ul className="mt-1 flex flex-col gap-1">
                  {item.continuations.map((c, i) => (
                    <li key={i} className="flex items-start gap-2">
                      <Verbatim label={`Choice ${i + 1}`} text={c} />
                      {c.trim() === item.target.trim() && <Badge tone="success">Answer</Badge>}
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <div>
                <p className="text-sm text-fg-muted">{task === 'loss' ? 'Scored continuation:' : 'Reference answer:'}</p>
                <Verbatim label={`Target of ${item.location}`} text={task === 'loss' ? (item.continuations[0] ?? item.target) : item.target} />
              </div>
            )}
            {task === 'multiple-choice' && (
              <p className="text-sm">
                Target: <span className="font-mono">{item.target}</span>
              </p>
            )}
          </li>
        ))}
      </ol>
      {preview.problems.length > 0 && (
        <div role="region" aria-label="Rows that cannot become items" tabIndex={0} className="max-h-60 overflow-y-auto rounded-xl border border-danger/40 p-3">
          <ul className="flex flex-col gap-1 text-sm">
            {preview.problems.map((p) => (
              <li key={p.row}>
                <span className="font-medium">{p.location}:</span> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
