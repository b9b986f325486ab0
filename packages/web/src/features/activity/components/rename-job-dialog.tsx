import { jobTitleSchema, type Job } from '@qlora-studio/contracts';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { Field, Input } from '../../../components/ui/input';
import { useRenameJob } from '../../../lib/jobs/api/update-job';

/** Rename a job (any status): the name Activity, the Dashboard and the Playground show. Mount it when opening: it starts from the job's name. */
export function RenameJobDialog({ job, open, onOpenChange }: { job: Job; open: boolean; onOpenChange: (open: boolean) => void }) {
  const rename = useRenameJob();
  const [value, setValue] = useState(job.title);
  const [touched, setTouched] = useState(false);
  const parsed = jobTitleSchema.safeParse(value);
  const problem = touched && !parsed.success ? parsed.error.issues[0]!.message : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!parsed.success) return;
    rename.mutate(
      { id: job.id, title: parsed.data },
      {
        onSuccess: (renamed) => {
          toast.success(`Renamed to “${renamed.title}”`);
          onOpenChange(false);
        },
      },
    );
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <form onSubmit={submit} noValidate className="flex min-h-0 flex-col">
          <DialogHeader>
            <DialogTitle>Rename this job</DialogTitle>
            <DialogDescription>Only its name changes: its settings, files and history stay as they are.</DialogDescription>
          </DialogHeader>
          <DialogBody>
            <Field label="Job name" error={problem}>
              {(ids) => <Input {...ids} value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" spellCheck={false} />}
            </Field>
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={rename.isPending}>
              Rename
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
