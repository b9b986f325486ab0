import { FileUp, Upload } from 'lucide-react';
import { useRef, useState, type DragEvent, type RefObject } from 'react';
import { toast } from 'sonner';
import { Button } from '../../../components/ui/button';
import { Progress } from '../../../components/ui/progress';
import { cn } from '../../../lib/cn';
import { formatBytes } from '../../../lib/format';

export const acceptedExtensions = '.jsonl,.json,.csv,.tsv,.parquet,.txt';

/** The file picker behind a button: the button calls inputRef.current.click(). */
export function HiddenFileInput({ inputRef, accept, onFile }: { inputRef: RefObject<HTMLInputElement | null>; accept: string; onFile: (file: File) => void }) {
  return (
    <input
      ref={inputRef}
      type="file"
      hidden
      accept={accept}
      onChange={(e) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) onFile(file);
      }}
    />
  );
}

export interface UploadState {
  fileName: string;
  size: number;
  /** 0–1 while bytes go out; 1 while the server reads and validates. */
  fraction: number;
}

/**
 * Where a file is dropped or picked. The zone reacts to drags; the button opens the file
 * picker (the keyboard path). While an upload runs it shows its progress.
 */
export function UploadZone({
  label,
  onFile,
  upload,
  disabled,
  disabledReason,
  onCancel,
}: {
  label: string;
  onFile: (file: File) => void;
  upload: UploadState | null;
  onCancel: () => void;
  disabled?: boolean;
  disabledReason?: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const busy = upload !== null;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    // A dropped file is never ignored silently: say why it was not taken.
    if (busy) toast.info(`${file.name} was not uploaded`, { description: `Wait for ${upload.fileName} to finish, or cancel it.` });
    else if (disabled) toast.info(`${file.name} was not uploaded`, { description: disabledReason ?? undefined });
    else onFile(file);
  };

  return (
    <div
      role="group"
      aria-label={label}
      data-testid="dataset-dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        if (!busy && !disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={cn(
        'flex flex-col items-center gap-3 rounded-xl border-2 border-dashed border-line-strong bg-surface-muted px-6 py-8 text-center transition-colors',
        over && 'border-primary bg-primary-soft',
      )}
    >
      <FileUp className="size-8 text-primary-text" aria-hidden />
      {busy ? (
        <div className="flex w-full max-w-md flex-col gap-2" aria-live="polite">
          <p className="text-sm font-medium">
            {upload.fraction < 1
              ? `Uploading ${upload.fileName} (${formatBytes(upload.size)})… ${Math.round(upload.fraction * 100)}%`
              : `Reading and validating ${upload.fileName}…`}
          </p>
          <Progress value={upload.fraction < 1 ? upload.fraction * 100 : null} label={`Upload of ${upload.fileName}`} />
          <div>
            <Button variant="ghost" onClick={onCancel}>
              Cancel upload
            </Button>
          </div>
        </div>
      ) : (
        <>
          <p className="font-medium">{over ? 'Drop the file to upload it' : 'Drag a dataset file here'}</p>
          <p className="text-sm text-fg-muted">
            JSONL, JSON, CSV, TSV, Parquet or plain text: Alpaca, ShareGPT, OpenAI messages, prompt/completion or raw text.
          </p>
          <Button
            variant="secondary"
            onClick={() => !disabled && input.current?.click()}
            aria-disabled={disabled || undefined}
            title={disabled ? (disabledReason ?? undefined) : undefined}
          >
            <Upload aria-hidden />
            Choose a file
          </Button>
          {disabled && disabledReason && <p className="text-sm text-fg-muted">{disabledReason}</p>}
        </>
      )}
      <HiddenFileInput inputRef={input} accept={acceptedExtensions} onFile={(file) => !disabled && onFile(file)} />
    </div>
  );
}
