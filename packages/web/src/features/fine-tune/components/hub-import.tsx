import { downloadModelConfigSchema, importHubDatasetConfigSchema, type Job } from '@qlora-studio/contracts';
import { CloudDownload } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { Field, Input } from '../../../components/ui/input';
import { useCreateJob } from '../../../lib/jobs/api/create-job';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { jobPath } from '../../../components/jobs/job-row';
import { JobProgress } from '../../../components/jobs/job-status';
import { PermissionButton } from '../../../components/system/permission-button';
import { ApiErrorAlert } from '../../../components/api-error-alert';

type Kind = 'model' | 'dataset';

const copy = {
  model: {
    button: 'Download from the Hub',
    title: 'Download a model from the Hugging Face Hub',
    description:
      'Runs as a job: config, tokenizer and safetensors weights go into the workspace, and the model appears here when the download completes. Interrupted downloads resume.',
    placeholder: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    jobType: 'download-model',
  },
  dataset: {
    button: 'Import from the Hub',
    title: 'Import a dataset from the Hugging Face Hub',
    description:
      'Runs as a job: one data file of the dataset repo (JSON, JSONL, CSV, TSV, Parquet or text) is downloaded and stored as a dataset when complete.',
    placeholder: 'tatsu-lab/alpaca',
    jobType: 'import-dataset',
  },
} as const;

/** A button and dialog that queue a Hub download job for a model or a dataset. */
export function HubImportButton({ kind }: { kind: Kind }) {
  const [open, setOpen] = useState(false);
  const [repo, setRepo] = useState('');
  const [file, setFile] = useState('');
  const [touched, setTouched] = useState(false);
  const create = useCreateJob();
  const text = copy[kind];
  const schema = kind === 'model' ? downloadModelConfigSchema : importHubDatasetConfigSchema;
  const parsed = schema.safeParse(kind === 'model' ? { repo } : { repo, ...(file.trim() ? { file: file.trim() } : {}) });
  const repoError = touched && !parsed.success ? (parsed.error.issues.find((i) => i.path[0] === 'repo')?.message ?? null) : null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!parsed.success) return;
    const body =
      kind === 'model'
        ? { type: 'download-model' as const, config: downloadModelConfigSchema.parse({ repo }) }
        : { type: 'import-dataset' as const, config: importHubDatasetConfigSchema.parse({ repo, ...(file.trim() ? { file: file.trim() } : {}) }) };
    create.mutate(body, {
      onSuccess: (job) => {
        toast.success(`${job.title} queued`, { description: `${repo}: follow it here or in Activity.` });
        setOpen(false);
        setRepo('');
        setFile('');
        setTouched(false);
      },
    });
  };

  return (
    <>
      <PermissionButton permission="jobs:launch" variant="secondary" onClick={() => setOpen(true)}>
        <CloudDownload aria-hidden />
        {text.button}
      </PermissionButton>
      <Dialog open={open} onOpenChange={(o) => (create.reset(), setOpen(o))}>
        <DialogContent>
          <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-col">
            <DialogHeader>
              <DialogTitle>{text.title}</DialogTitle>
              <DialogDescription>{text.description}</DialogDescription>
            </DialogHeader>
            <DialogBody className="flex flex-col gap-4">
              <Field
                label={kind === 'model' ? 'Model id' : 'Dataset id'}
                description="owner/name, as on huggingface.co. Gated or private repos need HF_TOKEN set where the server runs."
                error={repoError}
              >
                {(ids) => (
                  <Input {...ids} value={repo} onChange={(e) => setRepo(e.target.value)} placeholder={text.placeholder} autoComplete="off" spellCheck={false} />
                )}
              </Field>
              {kind === 'dataset' && (
                <Field label="Data file (optional)" description="Its path in the repo; needed only when the repo has several data files.">
                  {(ids) => (
                    <Input
                      {...ids}
                      value={file}
                      onChange={(e) => setFile(e.target.value)}
                      placeholder="data/train.jsonl"
                      autoComplete="off"
                      spellCheck={false}
                    />
                  )}
                </Field>
              )}
              {create.isError && <ApiErrorAlert title="The download could not be queued" error={create.error} />}
            </DialogBody>
            <DialogFooter>
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Download
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}

/** Hub downloads of this kind that are queued, running or just failed, with live progress. */
export function HubDownloads({ kind }: { kind: Kind }) {
  const jobs = useJobs({ type: copy[kind].jobType, limit: 10 });
  const recent = (jobs.data?.jobs ?? []).filter(
    (j: Job) =>
      j.status === 'queued' || j.status === 'running' || (j.status === 'failed' && Date.now() - Date.parse(j.finishedAt ?? j.createdAt) < 10 * 60_000),
  );
  if (recent.length === 0) return null;
  return (
    <ul aria-label={kind === 'model' ? 'Model downloads' : 'Dataset imports'} className="flex flex-col gap-3">
      {recent.map((job) => (
        <li key={job.id} className="rounded-lg border border-line p-3">
          <div className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
            <span className="font-medium text-fg">{String((job.config as { repo?: string }).repo ?? job.title)}</span>
            <Link className="text-primary-text underline" to={jobPath(job.id)}>
              Open the job
            </Link>
          </div>
          <JobProgress job={job} />
          {job.status === 'failed' && job.error && (
            <p className="mt-2 text-sm text-danger-text">
              {job.error.message} {job.error.hint}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
