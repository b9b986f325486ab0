import { datasetFormatLabels, datasetFormats, type ColumnMapping, type Dataset, type DatasetFormat } from '@qlora-studio/contracts';
import { useId, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../../components/ui/button';
import { Field, Input, selectClass } from '../../../components/ui/input';
import { useReparseDataset } from '../api/reparse-dataset';
import { ApiErrorAlert } from '../../../components/api-error-alert';

/** The fields each layout reads, for the column mapping. */
const layoutFields: Record<DatasetFormat, (keyof ColumnMapping)[]> = {
  alpaca: ['instruction', 'input', 'output', 'system'],
  sharegpt: ['conversations'],
  messages: ['messages'],
  'prompt-completion': ['prompt', 'completion'],
  text: ['text'],
};

/** Overrides auto-detection: the layout, which column holds each field, the text separator. */
export function ReparseForm({
  dataset,
  columns,
  detected = {},
}: {
  dataset: Dataset;
  columns: string[];
  /** The columns the report read each field from. */ detected?: ColumnMapping;
}) {
  const current = dataset.latest.parseOptions;
  const [format, setFormat] = useState<DatasetFormat>(current.format ?? dataset.latest.format ?? 'messages');
  const [mapping, setMapping] = useState<ColumnMapping>(current.columns ?? {});
  const [separator, setSeparator] = useState(current.separator ?? '');
  const reparse = useReparseDataset();
  const listId = useId();
  const formatId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const columnsUsed = Object.fromEntries(layoutFields[format].filter((f) => mapping[f]?.trim()).map((f) => [f, mapping[f]!.trim()]));
    reparse.mutate(
      {
        id: dataset.id,
        parseOptions: {
          format,
          columns: Object.keys(columnsUsed).length ? columnsUsed : undefined,
          separator: format === 'text' && separator.trim() ? separator : undefined,
        },
      },
      {
        onSuccess: (d) =>
          toast.success(`Read again as version ${d.latest.version}`, { description: `${d.latest.valid} of ${d.latest.records} records will train.` }),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <p className="text-sm text-fg-muted">
        {dataset.latest.format ? `Detected: ${datasetFormatLabels[dataset.latest.format]}.` : 'The layout was not recognised.'} If that is wrong, or your
        columns have other names, set them here; the stored file is read again as a new version.
      </p>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={formatId} className="text-sm font-medium">
          Record layout
        </label>
        <select id={formatId} className={selectClass} value={format} onChange={(e) => setFormat(e.target.value as DatasetFormat)}>
          {datasetFormats.map((f) => (
            <option key={f} value={f}>
              {datasetFormatLabels[f]}
            </option>
          ))}
        </select>
      </div>
      <datalist id={listId}>
        {columns.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <div className="grid gap-4 sm:grid-cols-2">
        {layoutFields[format].map((f) => (
          <Field
            key={f}
            label={`Column for “${f}”`}
            description={
              detected[f] && format === dataset.latest.format ? `Leave empty to use “${detected[f]}” (found in the file).` : `Leave empty to use “${f}”.`
            }
          >
            {(ids) => (
              <Input
                {...ids}
                list={listId}
                value={mapping[f] ?? ''}
                placeholder={(format === dataset.latest.format ? detected[f] : undefined) ?? f}
                autoComplete="off"
                onChange={(e) => setMapping((m) => ({ ...m, [f]: e.target.value }))}
              />
            )}
          </Field>
        ))}
        {format === 'text' && (
          <Field label="Document separator" description="Empty: blank lines. E.g. <|endoftext|>.">
            {(ids) => <Input {...ids} value={separator} onChange={(e) => setSeparator(e.target.value)} autoComplete="off" />}
          </Field>
        )}
      </div>
      {reparse.isError && <ApiErrorAlert title="The dataset could not be read this way" error={reparse.error} />}
      <div>
        <Button type="submit" variant="secondary" loading={reparse.isPending}>
          Read again with these settings
        </Button>
      </div>
    </form>
  );
}
