import { datasetFormatLabels, type Dataset, type DatasetReport } from '@qlora-studio/contracts';
import { Database, FilePlus2, FolderInput, Pencil, Trash2, TriangleAlert } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { Field, Input } from '../../../components/ui/input';
import { Skeleton } from '../../../components/ui/skeleton';
import { actionToastMs } from '../../../lib/toast-timing';
import { usePermission } from '../../../lib/system/get-session';
import { PermissionButton } from '../../../components/system/permission-button';
import { useDeleteDataset } from '../api/delete-dataset';
import { useImportDataset } from '../api/import-dataset';
import { useDatasets } from '../../../lib/datasets/list-datasets';
import { useReparseDataset } from '../api/reparse-dataset';
import { useInvalidateDatasets, useUpdateDataset } from '../api/update-dataset';
import { uploadDataset } from '../../../lib/datasets/upload-dataset';
import { addedOn, duplicateNameWarning, namesakes } from '../dataset-names';
import { datasetCounts, type DatasetCounts } from '../readiness';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { HubDownloads, HubImportButton } from './hub-import';
import { acceptedExtensions, HiddenFileInput, UploadZone, type UploadState } from './upload-zone';

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);

/** A warning under a name field: shown, announced, never blocking. */
function NameWarning({ children }: { children: string }) {
  return (
    <p role="status" className="flex gap-2 text-sm text-warning-text">
      <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      {children}
    </p>
  );
}

/** One text field in a dialog form: used for import (path) and rename (name). */
function TextDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  label: string;
  initial: string;
  placeholder?: string;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  errorTitle: string;
  check: (value: string) => string | null;
  /** A warning that does not stop the submit (e.g. a name another dataset has). */
  warn?: (value: string) => string | null;
  onSubmit: (value: string) => void;
}) {
  const [value, setValue] = useState(props.initial);
  const [touched, setTouched] = useState(false);
  const problem = touched ? props.check(value.trim()) : null;
  const warning = props.warn?.(value.trim()) ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!props.check(value.trim())) props.onSubmit(value.trim());
  };
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent>
        <form onSubmit={submit} noValidate className="flex min-h-0 flex-col">
          <DialogHeader>
            <DialogTitle>{props.title}</DialogTitle>
            <DialogDescription>{props.description}</DialogDescription>
          </DialogHeader>
          <DialogBody className="flex flex-col gap-4">
            <Field label={props.label} error={problem}>
              {(ids) => (
                <Input
                  {...ids}
                  value={value}
                  placeholder={props.placeholder}
                  onChange={(e) => setValue(e.target.value)}
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
            {warning && <NameWarning>{warning}</NameWarning>}
            {props.error ? <ApiErrorAlert title={props.errorTitle} error={props.error} /> : null}
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => props.onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={props.busy}>
              {props.submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function DatasetRow({
  dataset,
  addedNote,
  counts,
  selected,
  onSelect,
  onRename,
  onNewVersion,
  onDelete,
  canWrite,
}: {
  dataset: Dataset;
  /** When another dataset has the same name: when this one was added, to tell them apart. */
  addedNote: string | null;
  /** What will train: the chosen model's report for the chosen dataset, else the file as read. */
  counts: DatasetCounts & { modelName: string | null };
  selected: boolean;
  onSelect: () => void;
  onRename: () => void;
  onNewVersion: () => void;
  onDelete: () => void;
  canWrite: boolean;
}) {
  const v = dataset.latest;
  const radioId = `dataset-${dataset.id}`;
  return (
    <tr className={selected ? 'bg-primary-soft' : undefined}>
      <td className="py-1 pr-2 pl-3">
        <label htmlFor={radioId} className="flex min-h-11 cursor-pointer items-center gap-3 font-medium">
          <input id={radioId} type="radio" name="dataset" className="size-5 accent-[var(--color-primary)]" checked={selected} onChange={onSelect} />
          <span>
            {dataset.name}
            {addedNote && <span className="block text-xs font-normal text-fg-muted">{addedNote}</span>}
          </span>
        </label>
      </td>
      <td className="px-2 text-sm">
        {v.format ? datasetFormatLabels[v.format] : 'Layout not recognised'} · {v.fileType.toUpperCase()}
      </td>
      <td className="px-2 text-right tabular-nums">{v.records.toLocaleString()}</td>
      <td className="px-2 text-right tabular-nums">
        {counts.valid.toLocaleString()}
        {counts.source === 'model' && <span className="block text-xs whitespace-nowrap text-fg-muted">with {counts.modelName ?? 'the model'}</span>}
      </td>
      <td className="px-2">
        <span className="flex flex-wrap gap-1">
          {counts.errorCount > 0 && <Badge tone="danger">{counts.errorCount} errors</Badge>}
          {counts.warningCount > 0 && <Badge tone="warning">{counts.warningCount} warnings</Badge>}
          {counts.errorCount === 0 && counts.warningCount === 0 && <Badge tone="success">No problems</Badge>}
        </span>
      </td>
      <td className="px-2 text-right tabular-nums">v{v.version}</td>
      <td className="py-1 pr-3 pl-2">
        {canWrite && (
          <span className="flex justify-end gap-1">
            <Button variant="ghost" size="icon" aria-label={`Rename ${dataset.name}`} title="Rename" onClick={onRename}>
              <Pencil aria-hidden />
            </Button>
            <Button variant="ghost" size="icon" aria-label={`Upload a fixed version of ${dataset.name}`} title="Upload a fixed version" onClick={onNewVersion}>
              <FilePlus2 aria-hidden />
            </Button>
            <Button variant="ghost" size="icon" aria-label={`Delete ${dataset.name}`} title="Delete" onClick={onDelete} className="text-danger-text">
              <Trash2 aria-hidden />
            </Button>
          </span>
        )}
      </td>
    </tr>
  );
}

/** Step 2 (top half): upload, import and pick a stored dataset. */
export function DatasetPicker({
  datasetId,
  onSelect,
  report = null,
  modelName = null,
}: {
  datasetId: string;
  onSelect: (dataset: Dataset | null) => void;
  /** The chosen dataset's report with the chosen model: its row counts what will train, as the report does. */
  report?: DatasetReport | null;
  modelName?: string | null;
}) {
  const datasets = useDatasets();
  const invalidate = useInvalidateDatasets();
  const write = usePermission('datasets:write');
  const [name, setName] = useState('');
  const [upload, setUpload] = useState<UploadState | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [renaming, setRenaming] = useState<Dataset | null>(null);
  const [deleting, setDeleting] = useState<Dataset | null>(null);
  const versionFor = useRef<Dataset | null>(null);
  const versionInput = useRef<HTMLInputElement>(null);
  const importer = useImportDataset();
  const reparse = useReparseDataset();
  const rename = useUpdateDataset();
  const remove = useDeleteDataset();
  const list = datasets.data?.datasets ?? [];

  const uploading = useRef<AbortController | null>(null);

  /** A new dataset may share a name (that is allowed): say so, and how to rename it. */
  const warnIfNamesake = (dataset: Dataset) => {
    const warning = duplicateNameWarning(dataset.name, list, { exceptId: dataset.id });
    if (warning)
      toast.warning(`Two datasets are now named “${dataset.name}”`, { description: `${warning} Rename one with its pencil button.`, duration: 10_000 });
  };

  const send = (file: File, target?: Dataset) => {
    setUploadError(null);
    setUpload({ fileName: file.name, size: file.size, fraction: 0 });
    const controller = new AbortController();
    uploading.current = controller;
    uploadDataset({
      file,
      signal: controller.signal,
      name: target ? undefined : name,
      datasetId: target?.id,
      onProgress: (fraction) => setUpload((u) => (u ? { ...u, fraction } : u)),
    })
      .then((dataset) => {
        invalidate();
        onSelect(dataset);
        setName('');
        const v = dataset.latest;
        const counts = `${v.valid} of ${v.records} records will train${v.errorCount ? `; ${v.errorCount} have errors (see the report)` : ''}.`;
        // A new version is detected afresh; a layout chosen for the one before can be taken over.
        const before = target?.latest;
        const chosen = before && (before.parseOptions.format !== undefined || before.parseOptions.columns !== undefined) ? before : null;
        toast.success(target ? `Stored version ${v.version} of ${dataset.name}` : `Uploaded ${dataset.name}`, {
          description: chosen
            ? `Read afresh as ${v.format ? datasetFormatLabels[v.format] : 'an unknown layout'}; version ${chosen.version} was read as you chose. ${counts}`
            : counts,
          ...(chosen
            ? {
                duration: actionToastMs,
                action: {
                  label: `Read it as v${chosen.version} was`,
                  onClick: () =>
                    reparse.mutate(
                      { id: dataset.id, parseOptions: chosen.parseOptions },
                      {
                        onSuccess: (d) =>
                          toast.success(`Read again as version ${d.latest.version}`, {
                            description: `${d.latest.valid} of ${d.latest.records} records will train.`,
                          }),
                      },
                    ),
                },
              }
            : {}),
        });
        if (!target) warnIfNamesake(dataset);
      })
      .catch((error: unknown) => {
        if ((error as Error)?.name === 'AbortError') toast.info('Upload canceled; nothing was stored.');
        else setUploadError(error);
      })
      .finally(() => {
        uploading.current = null;
        setUpload(null);
      });
  };

  return (
    <div className="flex flex-col gap-4">
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <UploadZone
          label="Upload a dataset file"
          onFile={(f) => send(f)}
          upload={upload}
          onCancel={() => uploading.current?.abort()}
          disabled={!write.allowed}
          disabledReason={write.reason}
        />
        <div className="flex flex-col gap-3">
          <Field label="Name for the upload (optional)" description="Defaults to the file name.">
            {(ids) => <Input {...ids} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
          </Field>
          {duplicateNameWarning(name, list, { upload: true }) && <NameWarning>{duplicateNameWarning(name, list, { upload: true })!}</NameWarning>}
          <PermissionButton permission="datasets:write" variant="secondary" onClick={() => setImportOpen(true)}>
            <FolderInput aria-hidden />
            Import from a server path
          </PermissionButton>
          <HubImportButton kind="dataset" />
        </div>
      </div>
      <HubDownloads kind="dataset" />
      {uploadError ? <ApiErrorAlert title="The file could not be uploaded" error={uploadError} /> : null}
      <HiddenFileInput inputRef={versionInput} accept={acceptedExtensions} onFile={(file) => versionFor.current && send(file, versionFor.current)} />
      {datasets.isPending ? (
        <Skeleton className="h-24" />
      ) : datasets.isError ? (
        <ApiErrorAlert title="Datasets could not be loaded" error={datasets.error} onRetry={() => void datasets.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState icon={Database} title="No datasets yet">
          Drop a JSONL file above, import one from a path on the server, or import a Hub dataset.
        </EmptyState>
      ) : (
        <div className="relative overflow-x-auto rounded-xl border border-line">
          <table className="w-full min-w-[44rem] text-left text-sm">
            <caption className="sr-only">Stored datasets; choose one to train on</caption>
            <thead className="border-b border-line bg-surface-muted text-fg-muted">
              <tr>
                <th scope="col" className="py-2 pr-2 pl-3 font-medium">
                  Name
                </th>
                <th scope="col" className="px-2 font-medium">
                  Format
                </th>
                <th scope="col" className="px-2 text-right font-medium">
                  Records
                </th>
                <th scope="col" className="px-2 text-right font-medium">
                  Will train
                </th>
                <th scope="col" className="px-2 font-medium">
                  Problems
                </th>
                <th scope="col" className="px-2 text-right font-medium">
                  Version
                </th>
                <th scope="col" className="py-2 pr-3 pl-2 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {list.map((d) => (
                <DatasetRow
                  key={d.id}
                  dataset={d}
                  addedNote={namesakes(d.name, list, d.id).length ? addedOn(d) : null}
                  counts={{ ...datasetCounts(d.latest, d.id === datasetId ? report : null), modelName }}
                  selected={d.id === datasetId}
                  canWrite={write.allowed}
                  onSelect={() => onSelect(d)}
                  onRename={() => (rename.reset(), setRenaming(d))}
                  onNewVersion={() => {
                    versionFor.current = d;
                    versionInput.current?.click();
                  }}
                  onDelete={() => setDeleting(d)}
                />
              ))}
            </tbody>
          </table>
          <p className="border-t border-line px-3 py-2 text-xs text-fg-muted">
            {report?.tokens
              ? `“Will train” and problems count each file as read; for the chosen dataset they count with ${modelName ?? 'the chosen model'}’s tokenizer and template, as its report below does.`
              : `“Will train” and problems count each file as read${modelName ? '.' : '; choose a base model (step 1) to count what its template accepts.'}`}
          </p>
        </div>
      )}
      <TextDialog
        key={importOpen ? 'import-open' : 'import'}
        open={importOpen}
        onOpenChange={(o) => (importer.reset(), setImportOpen(o))}
        title="Import from a server path"
        description="Copies a dataset file that is already on the server (JSONL, JSON, CSV, TSV, Parquet or text) into the workspace."
        label="File path"
        placeholder="/data/my-dataset.jsonl"
        initial=""
        submitLabel="Import"
        busy={importer.isPending}
        error={importer.error}
        errorTitle="The file could not be imported"
        check={(v) => (isAbsolute(v) ? null : 'Enter an absolute path on the server, e.g. /data/train.jsonl.')}
        onSubmit={(path) =>
          importer.mutate(
            { path, name: name.trim() || undefined },
            {
              onSuccess: (dataset) => {
                toast.success(`Imported ${dataset.name}`);
                warnIfNamesake(dataset);
                onSelect(dataset);
                setImportOpen(false);
              },
            },
          )
        }
      />
      {renaming && (
        <TextDialog
          key={renaming.id}
          open
          onOpenChange={(o) => !o && setRenaming(null)}
          title={`Rename ${renaming.name}`}
          description="Jobs keep pointing at the dataset: only its name changes."
          label="New name"
          initial={renaming.name}
          submitLabel="Rename"
          busy={rename.isPending}
          error={rename.error}
          errorTitle="The dataset could not be renamed"
          check={(v) => (v ? (v.length > 120 ? 'Keep the name under 120 characters.' : null) : 'Give the dataset a name.')}
          warn={(v) => duplicateNameWarning(v, list, { exceptId: renaming.id })}
          onSubmit={(newName) => rename.mutate({ id: renaming.id, name: newName }, { onSuccess: () => setRenaming(null) })}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete ${deleting?.name ?? 'this dataset'}?`}
        description="Its stored files and every version are deleted. Finished jobs that used it keep their results. This cannot be undone."
        confirmLabel="Delete dataset"
        destructive
        busy={remove.isPending}
        onConfirm={() => {
          const d = deleting;
          if (!d) return;
          remove.mutate(d.id, {
            onSuccess: () => {
              toast.success(`Deleted ${d.name}`);
              if (d.id === datasetId) onSelect(null);
              setDeleting(null);
            },
            onError: () => setDeleting(null),
          });
        }}
      />
    </div>
  );
}
