import { benchmarkTaskLabels, type Benchmark } from '@qlora-studio/contracts';
import { ClipboardList, FileUp, Library, Pencil, Play, Plus, Split, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { PermissionButton } from '../../../components/system/permission-button';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { useDeleteBenchmark } from '../api/delete-benchmark';
import { useBenchmarks } from '../api/list-benchmarks';
import { useEvaluationTab } from '../use-evaluation-tab';
import { BenchmarkEditor, type EditorTarget } from './benchmark-editor';
import { sourceLabels, type BenchmarkSource } from './benchmark-source';

const startOptions: { source: BenchmarkSource; icon: typeof FileUp; hint: string }[] = [
  { source: 'upload', icon: FileUp, hint: 'JSON, JSONL, CSV or Parquet with a question and an answer per row (or choose a stored dataset).' },
  { source: 'split', icon: Split, hint: 'The rows a fine-tune held out for validation: data the adapter never saw.' },
  { source: 'sample', icon: Library, hint: 'Small ready-made benchmarks that ship with the app, to try the flow.' },
];

/** Benchmarks: what to measure. Each is a dataset version read as a task, versioned on every edit. */
export function BenchmarksTab() {
  const benchmarks = useBenchmarks();
  const [editor, setEditor] = useState<EditorTarget | null>(null);
  const [deleting, setDeleting] = useState<Benchmark | null>(null);
  const del = useDeleteBenchmark();

  let body: React.ReactNode;
  if (benchmarks.isPending) body = <Skeleton className="h-40 w-full" />;
  else if (benchmarks.isError)
    body = <ApiErrorAlert title="The benchmarks could not be loaded" error={benchmarks.error} onRetry={() => void benchmarks.refetch()} />;
  else if (benchmarks.data.benchmarks.length === 0) body = <NoBenchmarks onStart={(source) => setEditor({ source })} />;
  else
    body = (
      <ul aria-label="Benchmarks" className="grid gap-4 lg:grid-cols-2">
        {benchmarks.data.benchmarks.map((b) => (
          <BenchmarkCard key={b.id} benchmark={b} onEdit={() => setEditor({ editing: b })} onDelete={() => setDeleting(b)} />
        ))}
      </ul>
    );

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="max-w-2xl">
          <h2 className="text-lg font-semibold">Benchmarks</h2>
          <p className="text-sm text-fg-muted">Datasets read as tasks with a metric. Evaluate base models and adapters on them from the Job queue.</p>
        </div>
        <PermissionButton permission="datasets:write" onClick={() => setEditor({ source: 'upload' })}>
          <Plus aria-hidden />
          New benchmark
        </PermissionButton>
      </div>
      {del.isError && (
        <ApiErrorAlert
          title={`“${del.variables ? (benchmarks.data?.benchmarks.find((b) => b.id === del.variables)?.name ?? del.variables) : ''}” was not deleted`}
          error={del.error}
          action={
            <Button variant="secondary" onClick={() => del.reset()}>
              Dismiss
            </Button>
          }
        />
      )}
      {body}
      <BenchmarkEditor target={editor} onClose={() => setEditor(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete “${deleting?.name ?? ''}”?`}
        description={`All ${deleting?.versions.length ?? 0} version(s) go. Finished evaluations keep their results; its dataset stays (delete it on the Fine-tune page if nothing else needs it).`}
        confirmLabel="Delete benchmark"
        destructive
        busy={del.isPending}
        onConfirm={() => {
          if (!deleting) return;
          const { id, name } = deleting;
          del.mutate(id, {
            onSuccess: () => toast.success(`Deleted the benchmark “${name}”.`),
            // The dialog closes either way; a refusal (e.g. BENCHMARK_IN_USE) is shown above the list with its hint.
            onSettled: () => setDeleting(null),
          });
        }}
      />
    </div>
  );
}

function NoBenchmarks({ onStart }: { onStart: (source: BenchmarkSource) => void }) {
  return (
    <Card aria-label="Get started with benchmarks">
      <EmptyState icon={ClipboardList} title="No benchmarks yet">
        A benchmark is a set of questions with known answers, read as a task (multiple choice, generation, held-out loss or judged by another model). Scoring
        the base model and your adapters on the same benchmark tells you whether fine-tuning helped. Make one in one of three ways:
      </EmptyState>
      <CardContent className="grid gap-3 pt-0 md:grid-cols-3">
        {startOptions.map(({ source, icon: Icon, hint }) => (
          <PermissionButton
            key={source}
            permission="datasets:write"
            variant="secondary"
            size="lg"
            className="h-auto justify-start gap-3 py-3 text-left whitespace-normal"
            onClick={() => onStart(source)}
          >
            <Icon aria-hidden />
            <span>
              {sourceLabels[source]}
              <span className="block text-sm font-normal text-fg-muted">{hint}</span>
            </span>
          </PermissionButton>
        ))}
      </CardContent>
    </Card>
  );
}

function BenchmarkCard({ benchmark: b, onEdit, onDelete }: { benchmark: Benchmark; onEdit: () => void; onDelete: () => void }) {
  const { open } = useEvaluationTab();
  const titleId = `benchmark-${b.id}-title`;
  return (
    <li>
      <Card aria-labelledby={titleId} className="flex h-full flex-col">
        <CardHeader>
          <div className="min-w-0">
            <CardTitle as="h3" id={titleId} className="break-words">
              {b.name}
            </CardTitle>
            <CardDescription>{benchmarkTaskLabels[b.task]}</CardDescription>
          </div>
          <Badge tone="primary">Version {b.version}</Badge>
        </CardHeader>
        <CardContent className="flex flex-1 flex-col gap-4">
          <dl className="grid grid-cols-3 gap-x-4 gap-y-3 text-sm">
            <div>
              <dt className="text-fg-muted">Items</dt>
              <dd className="font-medium tabular-nums">{b.items}</dd>
            </div>
            <div>
              <dt className="text-fg-muted">Versions</dt>
              <dd className="font-medium tabular-nums">{b.versions.length}</dd>
            </div>
            <div>
              <dt className="text-fg-muted">Created</dt>
              <dd className="font-medium">
                <RelativeTime date={b.createdAt} />
              </dd>
            </div>
            <div className="col-span-3">
              <dt className="text-fg-muted">Dataset</dt>
              <dd className="font-medium break-words">
                {b.datasetName}, version {b.datasetVersion}
                {b.rows.kind === 'held-out' && (
                  <span className="font-normal text-fg-muted">
                    {' '}
                    · the {Math.round(b.rows.ratio * 100)}% a fine-tune held out (seed {b.rows.seed})
                  </span>
                )}
              </dd>
            </div>
          </dl>
          <div className="mt-auto flex flex-wrap gap-2">
            <PermissionButton permission="jobs:launch" aria-label={`Evaluate on ${b.name}`} onClick={() => open('queue', { evaluate: b.id })}>
              <Play aria-hidden />
              Evaluate
            </PermissionButton>
            <PermissionButton permission="datasets:write" variant="secondary" aria-label={`Edit ${b.name}`} onClick={onEdit}>
              <Pencil aria-hidden />
              Edit
            </PermissionButton>
            <PermissionButton permission="datasets:write" variant="danger-outline" aria-label={`Delete ${b.name}`} onClick={onDelete}>
              <Trash2 aria-hidden />
              Delete
            </PermissionButton>
          </div>
        </CardContent>
      </Card>
    </li>
  );
}
