import { datasetFileTypes, type Dataset } from '@qlora-studio/contracts';
import { FileUp, Library, Split } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Field, selectClass } from '../../../components/ui/input';
import { Progress } from '../../../components/ui/progress';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { useDatasets } from '../../../lib/datasets/list-datasets';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { useCreateSampleBenchmark } from '../api/create-sample-benchmark';
import { useBenchmarkSamples } from '../api/list-benchmark-samples';
import { useUploadBenchmarkFile } from '../api/upload-dataset';
import type { BenchmarkDraft } from '../definition';
import { fineTuneSplits } from '../sources';

export const benchmarkSources = ['upload', 'dataset', 'split', 'sample'] as const;
export type BenchmarkSource = (typeof benchmarkSources)[number];

export const sourceLabels: Record<BenchmarkSource, string> = {
  upload: 'Upload a file',
  dataset: 'Stored dataset',
  split: "A fine-tune's validation split",
  sample: 'Built-in sample',
};

const accept = datasetFileTypes.map((t) => `.${t}`).join(',');

/** What the source step sets in the draft: the data, and for a split, which rows. */
export type SourcePatch = Pick<BenchmarkDraft, 'datasetId' | 'datasetVersion' | 'rows'> & { name?: string };

interface SourceProps {
  source: BenchmarkSource;
  onSourceChange: (source: BenchmarkSource) => void;
  draft: BenchmarkDraft;
  onPick: (patch: SourcePatch) => void;
  /** A sample was added (the editor closes). */
  onSampleAdded: (name: string) => void;
}

/** Step 1 of a new benchmark: where its rows come from. */
export function BenchmarkSourcePicker({ source, onSourceChange, draft, onPick, onSampleAdded }: SourceProps) {
  return (
    <section aria-labelledby="benchmark-source-title" className="flex flex-col gap-4">
      <h3 id="benchmark-source-title" className="font-semibold">
        1. Where the items come from
      </h3>
      <Segmented value={source} onValueChange={(v) => onSourceChange(v as BenchmarkSource)} aria-label="Source of the benchmark's items">
        {benchmarkSources.map((s) => (
          <SegmentedItem key={s} value={s}>
            {sourceLabels[s]}
          </SegmentedItem>
        ))}
      </Segmented>
      {source === 'upload' && <UploadSource onPick={onPick} />}
      {source === 'dataset' && <DatasetSource draft={draft} onPick={onPick} />}
      {source === 'split' && <SplitSource draft={draft} onPick={onPick} />}
      {source === 'sample' && <SampleSource onAdded={onSampleAdded} />}
    </section>
  );
}

function UploadSource({ onPick }: { onPick: (patch: SourcePatch) => void }) {
  const [progress, setProgress] = useState(0);
  const [uploaded, setUploaded] = useState<Dataset | null>(null);
  const upload = useUploadBenchmarkFile(setProgress);
  const onFile = (file: File | undefined) => {
    if (!file) return;
    setProgress(0);
    upload.mutate(file, {
      onSuccess: (dataset) => {
        setUploaded(dataset);
        onPick({ datasetId: dataset.id, datasetVersion: dataset.latest.version, rows: { kind: 'all' }, name: dataset.name });
      },
    });
  };
  return (
    <div className="flex flex-col gap-3">
      <Field
        label="Benchmark file"
        description={`${datasetFileTypes.map((t) => t.toUpperCase()).join(', ')}: one row per item. It is stored as a dataset (a new version if you upload a fix), so the benchmark always knows exactly which data it scored.`}
      >
        {(ids) => (
          <input
            {...ids}
            type="file"
            accept={accept}
            disabled={upload.isPending}
            onChange={(e) => onFile(e.target.files?.[0])}
            className="min-h-11 w-full rounded-lg border border-dashed border-line-strong bg-surface p-2 text-sm file:mr-3 file:min-h-9 file:rounded-md file:border-0 file:bg-primary-soft file:px-3 file:font-medium file:text-primary-text"
          />
        )}
      </Field>
      {upload.isPending && <Progress value={progress * 100} label="Upload progress" />}
      {upload.isError && <ApiErrorAlert title="The file could not be stored" error={upload.error} />}
      {uploaded && !upload.isPending && (
        <p role="status" className="flex items-center gap-2 text-sm">
          <FileUp className="size-4 text-success-text" aria-hidden />
          Stored as dataset “{uploaded.name}” (version {uploaded.latest.version}, {uploaded.latest.records} rows).
        </p>
      )}
    </div>
  );
}

function DatasetSource({ draft, onPick }: { draft: BenchmarkDraft; onPick: (patch: SourcePatch) => void }) {
  const datasets = useDatasets();
  if (datasets.isPending) return <Skeleton className="h-11 w-full" />;
  if (datasets.isError) return <ApiErrorAlert title="The datasets could not be loaded" error={datasets.error} onRetry={() => void datasets.refetch()} />;
  const list = datasets.data.datasets;
  if (list.length === 0) return <Alert title="No datasets stored yet">Upload a file instead, or add a built-in sample.</Alert>;
  const chosen = list.find((d) => d.id === draft.datasetId);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Dataset">
        {(ids) => (
          <select
            {...ids}
            className={selectClass}
            value={draft.datasetId}
            onChange={(e) => {
              const d = list.find((x) => x.id === e.target.value);
              if (d) onPick({ datasetId: d.id, datasetVersion: d.latest.version, rows: { kind: 'all' }, name: d.name });
            }}
          >
            <option value="">Choose a dataset…</option>
            {list.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.latest.records} rows)
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen && (
        <Field label="Dataset version">
          {(ids) => (
            <select
              {...ids}
              className={selectClass}
              value={draft.datasetVersion ?? chosen.latest.version}
              onChange={(e) => onPick({ datasetId: chosen.id, datasetVersion: Number(e.target.value), rows: { kind: 'all' } })}
            >
              {chosen.versions.map((v) => (
                <option key={v.version} value={v.version}>
                  Version {v.version}: {v.fileName}, {v.records} rows
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </div>
  );
}

function SplitSource({ draft, onPick }: { draft: BenchmarkDraft; onPick: (patch: SourcePatch) => void }) {
  const jobs = useJobs({ type: 'train', limit: 200 });
  if (jobs.isPending) return <Skeleton className="h-11 w-full" />;
  if (jobs.isError) return <ApiErrorAlert title="The fine-tunes could not be loaded" error={jobs.error} onRetry={() => void jobs.refetch()} />;
  const splits = fineTuneSplits(jobs.data.jobs);
  if (splits.length === 0) {
    return (
      <Alert title="No fine-tune held out a validation split">
        A fine-tune with “Validation: split” in its settings keeps some rows out of training. Launch one on the Fine-tune page, or choose another source.
      </Alert>
    );
  }
  const chosen = draft.rows.kind === 'held-out' ? draft.rows.jobId : '';
  return (
    <Field
      label="Fine-tune"
      description="The benchmark scores only the rows this fine-tune held out (the same seeded split), so the adapter is measured on data it never trained on."
    >
      {(ids) => (
        <select
          {...ids}
          className={selectClass}
          value={chosen ?? ''}
          onChange={(e) => {
            const s = splits.find((x) => x.jobId === e.target.value);
            if (s) onPick({ datasetId: s.datasetId, datasetVersion: s.datasetVersion, rows: s.rows, name: `${s.datasetName ?? s.title} (held out)` });
          }}
        >
          <option value="">Choose a fine-tune…</option>
          {splits.map((s) => (
            <option key={s.jobId} value={s.jobId}>
              {s.title} — {Math.round(s.rows.ratio * 100)}% held out, seed {s.rows.seed}
              {s.datasetName ? `, ${s.datasetName}` : ''}
              {s.datasetVersion ? ` v${s.datasetVersion}` : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The built-in samples, each added with one click (licence shown, as the data ships with the app). */
export function SampleSource({ onAdded }: { onAdded: (name: string) => void }) {
  const samples = useBenchmarkSamples();
  const add = useCreateSampleBenchmark();
  const [adding, setAdding] = useState<string | null>(null);
  if (samples.isPending) return <Skeleton className="h-24 w-full" />;
  if (samples.isError) return <ApiErrorAlert title="The built-in samples could not be loaded" error={samples.error} onRetry={() => void samples.refetch()} />;
  return (
    <div className="flex flex-col gap-3">
      {add.isError && <ApiErrorAlert title="The sample could not be added" error={add.error} />}
      <ul aria-label="Built-in samples" className="flex flex-col gap-3">
        {samples.data.samples.map((s) => (
          <li key={s.id} className="flex flex-col gap-3 rounded-xl border border-line p-4 sm:flex-row sm:items-start sm:justify-between">
            <div className="min-w-0">
              <p className="flex flex-wrap items-center gap-2 font-medium">
                <Library className="size-4 text-fg-muted" aria-hidden />
                {s.name}
                <Badge>{s.task}</Badge>
              </p>
              <p className="mt-1 text-sm text-fg-muted">{s.description}</p>
              <p className="mt-1 text-sm text-fg-muted">
                {s.items} items · Licence: {s.licence} · By {s.author}
              </p>
            </div>
            <Button
              variant="secondary"
              aria-label={`Add ${s.name}`}
              loading={add.isPending && adding === s.id}
              disabled={add.isPending && adding !== s.id}
              onClick={() => {
                setAdding(s.id);
                add.mutate(s.id, {
                  onSuccess: (b) => {
                    toast.success(`Added the benchmark “${b.name}” (${b.items} items).`);
                    onAdded(b.name);
                  },
                });
              }}
            >
              Add
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const sourceIcons: Record<Exclude<BenchmarkSource, 'dataset'>, typeof FileUp> = { upload: FileUp, split: Split, sample: Library };
