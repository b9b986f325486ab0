import type { Benchmark, PreviewBenchmarkBody } from '@qlora-studio/contracts';
import { useEffect, useMemo, useState } from 'react';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useCreateBenchmark } from '../api/create-benchmark';
import { useCreateBenchmarkVersion } from '../api/create-benchmark-version';
import { useDatasetColumns } from '../api/get-dataset-columns';
import { useBenchmarkPreview } from '../api/preview-benchmark';
import { checkDraft, draftFromBenchmark, emptyDraft, guessFields, type BenchmarkDraft } from '../definition';
import { BenchmarkPreviewPanel } from './benchmark-preview';
import { BenchmarkSourcePicker, type BenchmarkSource, type SourcePatch } from './benchmark-source';
import { DefinitionForm } from './definition-form';

/** How many items the preview renders. */
const previewCount = 3;

export interface EditorTarget {
  /** A new benchmark from this source, or a new version of this one. */
  source?: BenchmarkSource;
  editing?: Benchmark;
}

/** The "New benchmark" / "Edit benchmark" dialog: source, mapping, live preview, then Create. */
export function BenchmarkEditor({ target, onClose }: { target: EditorTarget | null; onClose: () => void }) {
  return (
    <Dialog open={target !== null} onOpenChange={(open) => !open && onClose()}>
      {target && <EditorContent key={target.editing ? `${target.editing.id}@${target.editing.version}` : 'new'} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function EditorContent({ target, onClose }: { target: EditorTarget; onClose: () => void }) {
  const editing = target.editing;
  const [source, setSource] = useState<BenchmarkSource>(target.source ?? 'upload');
  const [draft, setDraft] = useState<BenchmarkDraft>(() => (editing ? draftFromBenchmark(editing) : emptyDraft()));
  // The dataset version the fields were guessed for: a new dataset gets a fresh guess, an edit keeps its mapping.
  const [guessedFor, setGuessedFor] = useState<string | null>(editing ? `${editing.datasetId}@${editing.datasetVersion}` : null);
  const update = (patch: Partial<BenchmarkDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const columnsQuery = useDatasetColumns(draft.datasetId, draft.datasetVersion);
  const columns = useMemo(() => columnsQuery.data?.columns ?? [], [columnsQuery.data]);
  const datasetKey = `${draft.datasetId}@${draft.datasetVersion}`;
  useEffect(() => {
    if (!columnsQuery.data || !draft.datasetId || guessedFor === datasetKey) return;
    setGuessedFor(datasetKey);
    setDraft((d) => ({ ...d, ...guessFields(columnsQuery.data.columns) }));
  }, [columnsQuery.data, datasetKey, draft.datasetId, guessedFor]);

  const check = useMemo(() => checkDraft(draft), [draft]);
  // Memoized so the debounce sees one value per edit (a new object each render would restart it forever).
  const body = useMemo<PreviewBenchmarkBody | null>(() => (check.definition ? { ...check.definition, count: previewCount } : null), [check]);
  const settled = useDebouncedValue(body, 400);
  const preview = useBenchmarkPreview(settled);

  const create = useCreateBenchmark();
  const version = useCreateBenchmarkVersion();
  const saving = create.isPending || version.isPending;
  const saveError = create.error ?? version.error;
  const nameProblem = draft.name.trim() === '' ? 'Give the benchmark a name.' : null;
  const previewBroken = preview.data !== undefined && preview.data.problems.length > 0 && settled === body;

  const pick = (patch: SourcePatch) => {
    const { name, ...rest } = patch;
    setDraft((d) => ({ ...d, ...rest, name: d.name.trim() === '' && name ? name : d.name }));
  };

  const save = () => {
    if (!check.definition || nameProblem) return;
    const name = draft.name.trim();
    const done = (b: Benchmark) => {
      toast.success(editing ? `Saved “${b.name}” as version ${b.version}.` : `Created the benchmark “${b.name}” (${b.items} items).`);
      onClose();
    };
    if (editing) version.mutate({ id: editing.id, body: { name, ...check.definition } }, { onSuccess: done });
    else create.mutate({ name, ...check.definition }, { onSuccess: done });
  };

  const showForm = draft.datasetId !== '' && source !== 'sample';
  return (
    <DialogContent className="top-[4vh] max-h-[92vh] max-w-4xl" aria-describedby="benchmark-editor-description">
      <DialogHeader>
        <DialogTitle>{editing ? `Edit “${editing.name}”` : 'New benchmark'}</DialogTitle>
        <DialogDescription id="benchmark-editor-description">
          {editing
            ? `Saving stores version ${Math.max(...editing.versions) + 1}; version ${editing.version} and the results made with it stay.`
            : 'A benchmark is a dataset read as a task: which columns hold the question and the answer, and how each item is put to the model.'}
        </DialogDescription>
      </DialogHeader>
      <DialogBody className="flex flex-col gap-8">
        {editing ? (
          <p className="text-sm">
            Data: {editing.datasetName} version {draft.datasetVersion ?? editing.datasetVersion}
            {editing.rows.kind === 'held-out' && `, the ${Math.round(editing.rows.ratio * 100)}% a fine-tune held out (seed ${editing.rows.seed})`}.
          </p>
        ) : (
          <BenchmarkSourcePicker source={source} onSourceChange={setSource} draft={draft} onPick={pick} onSampleAdded={onClose} />
        )}
        {showForm && (
          <>
            {columnsQuery.isError && (
              <ApiErrorAlert title="The dataset's columns could not be read" error={columnsQuery.error} onRetry={() => void columnsQuery.refetch()} />
            )}
            {columnsQuery.data && columnsQuery.data.format === null && columns.length === 0 && (
              <Alert tone="warning" title="No columns found">
                The file was stored, but its rows have no named fields to map. Upload JSON, JSONL, CSV or Parquet with one column per part of an item.
              </Alert>
            )}
            <section aria-labelledby="benchmark-definition-title" className="flex flex-col gap-4">
              <h3 id="benchmark-definition-title" className="font-semibold">
                {editing ? 'Definition' : '2. How each row becomes an item'}
              </h3>
              <DefinitionForm draft={draft} update={update} setDraft={setDraft} columns={columns} />
            </section>
            <BenchmarkPreviewPanel
              task={draft.task}
              preview={preview.data}
              problems={check.problems}
              loading={preview.isFetching || settled !== body}
              error={preview.isError ? preview.error : null}
            />
          </>
        )}
      </DialogBody>
      {source !== 'sample' || editing ? (
        <DialogFooter className="flex-col items-stretch sm:flex-row sm:items-center">
          {saveError && <ApiErrorAlert title={editing ? 'The new version could not be saved' : 'The benchmark could not be created'} error={saveError} />}
          {showForm && (nameProblem || previewBroken) && (
            <p className="mr-auto text-sm text-fg-muted" role="status">
              {nameProblem ?? 'Some rows cannot become items (see the preview): the server will refuse to create it until they can.'}
            </p>
          )}
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={save} loading={saving} disabled={!showForm || !check.definition || nameProblem !== null}>
            {editing ? 'Save new version' : 'Create benchmark'}
          </Button>
        </DialogFooter>
      ) : null}
    </DialogContent>
  );
}
