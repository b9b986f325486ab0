import { isTerminal, type Job } from '@qlora-studio/contracts';
import { Ban, CopyPlus, History, MessagesSquare, Pencil, RotateCcw, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Button } from '../../../components/ui/button';
import { useRegisterCommands, type Command } from '../../../lib/commands';
import { useCancelJob } from '../../../lib/jobs/api/cancel-job';
import { useDeleteJob } from '../../../lib/jobs/api/delete-job';
import { useResumeJob, useRetryJob } from '../../../lib/jobs/api/retry-job';
import { jobPath } from '../../../components/jobs/job-row';
import { usePermission } from '../../../lib/system/get-session';
import { PermissionButton } from '../../../components/system/permission-button';
import { canResume } from '../board';
import { cancelRisk, describeCancelRisk } from '../cancel-risk';
import { userConfig } from './job-config';
import { RenameJobDialog } from './rename-job-dialog';

/** What the detail page offers for a job: cancel, retry, resume, duplicate, delete; also as commands. */
export function useJobActions(job: Job | undefined) {
  const navigate = useNavigate();
  const { mutate: cancelJob, isPending: canceling } = useCancelJob();
  const { mutate: retryJob, isPending: retrying } = useRetryJob();
  const { mutate: resumeJob, isPending: resuming } = useResumeJob();
  const remove = useDeleteJob();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const perms = { cancel: usePermission('jobs:cancel').allowed, launch: usePermission('jobs:launch').allowed, remove: usePermission('jobs:delete').allowed };

  const id = job?.id ?? '';
  const active = !!job && !isTerminal(job.status);
  const resumable = !!job && canResume(job);
  const isTrain = job?.type === 'train';
  const config = job?.config;
  const title = job?.title ?? '';
  // A running fine-tune with steps since its last checkpoint asks first: canceling loses them.
  const risk = job ? cancelRisk(job) : null;
  const atRisk = !!risk;

  const actions = useMemo(() => {
    const newJob = (what: string) => (created: Job) => {
      toast.success(what, { description: `${created.title} (${created.id})` });
      void navigate(jobPath(created.id));
    };
    return {
      cancelNow: () =>
        cancelJob(id, {
          onSuccess: () => {
            setConfirmCancel(false);
            toast('Stopping the job', { description: 'It stops cleanly, or by force after the grace period.' });
          },
        }),
      retry: () => retryJob(id, { onSuccess: newJob('Queued a new run with the same settings') }),
      resume: () => resumeJob(id, { onSuccess: newJob('Resuming from the last checkpoint') }),
      duplicate: () =>
        void navigate('/fine-tune', { state: { duplicateConfig: config ? userConfig({ config }) : undefined, duplicateOf: `${title} (${id})` } }),
      askDelete: () => setConfirmDelete(true),
    };
  }, [cancelJob, retryJob, resumeJob, navigate, id, config, title]);
  const cancel = useMemo(() => (atRisk ? () => setConfirmCancel(true) : actions.cancelNow), [atRisk, actions]);

  const commands = useMemo<Command[]>(() => {
    if (!job) return [];
    const list: Command[] = [];
    const group = 'This job';
    if (active)
      list.push({
        id: 'job.cancel',
        title: 'Cancel this job',
        group,
        keywords: ['stop'],
        icon: Ban,
        run: cancel,
        disabledReason: perms.cancel ? undefined : 'Your role cannot cancel jobs.',
      });
    else {
      list.push({
        id: 'job.retry',
        title: 'Retry this job with the same settings',
        group,
        keywords: ['again', 'rerun'],
        icon: RotateCcw,
        run: actions.retry,
        disabledReason: perms.launch ? undefined : 'Your role cannot launch jobs.',
      });
      if (resumable)
        list.push({
          id: 'job.resume',
          title: 'Resume this fine-tune from its last checkpoint',
          group,
          keywords: ['continue'],
          icon: History,
          run: actions.resume,
          disabledReason: perms.launch ? undefined : 'Your role cannot launch jobs.',
        });
      list.push({
        id: 'job.delete',
        title: 'Delete this job and its files',
        group,
        keywords: ['remove'],
        icon: Trash2,
        run: actions.askDelete,
        disabledReason: perms.remove ? undefined : 'Your role cannot delete jobs.',
      });
    }
    list.push({
      id: 'job.rename',
      title: 'Rename this job',
      group,
      keywords: ['name', 'title'],
      icon: Pencil,
      run: () => setRenaming(true),
      disabledReason: perms.launch ? undefined : 'Your role cannot rename jobs.',
    });
    if (isTrain)
      list.push({
        id: 'job.duplicate',
        title: 'Duplicate into the Fine-tune form',
        group,
        keywords: ['copy', 'clone'],
        icon: CopyPlus,
        run: actions.duplicate,
      });
    return list;
  }, [job, active, resumable, isTrain, actions, cancel, perms.cancel, perms.launch, perms.remove]);
  useRegisterCommands(commands);

  const buttons = job && (
    <div className="flex flex-wrap gap-2">
      {active ? (
        <PermissionButton permission="jobs:cancel" variant="danger-outline" loading={canceling || !!job.cancelRequestedAt} onClick={cancel}>
          <Ban aria-hidden /> {job.cancelRequestedAt ? 'Stopping…' : 'Cancel job'}
        </PermissionButton>
      ) : (
        <>
          {resumable && (
            <PermissionButton permission="jobs:launch" variant="primary" loading={resuming} onClick={actions.resume}>
              <History aria-hidden /> Resume from step {job.latestCheckpoint!.step}
            </PermissionButton>
          )}
          <PermissionButton
            permission="jobs:launch"
            variant={resumable || job.status === 'succeeded' ? 'secondary' : 'primary'}
            loading={retrying}
            onClick={actions.retry}
          >
            <RotateCcw aria-hidden /> Retry
          </PermissionButton>
        </>
      )}
      {isTrain && job.status === 'succeeded' && (
        <Button asChild variant="primary">
          <Link to={`/playground?adapter=${encodeURIComponent(job.id)}`}>
            <MessagesSquare aria-hidden /> Try in Playground
          </Link>
        </Button>
      )}
      {isTrain && (
        <PermissionButton permission="jobs:launch" variant="secondary" onClick={actions.duplicate}>
          <CopyPlus aria-hidden /> Duplicate
        </PermissionButton>
      )}
      <PermissionButton permission="jobs:launch" variant="secondary" onClick={() => setRenaming(true)}>
        <Pencil aria-hidden /> Rename
      </PermissionButton>
      {!active && (
        <PermissionButton permission="jobs:delete" variant="danger-outline" onClick={actions.askDelete}>
          <Trash2 aria-hidden /> Delete
        </PermissionButton>
      )}
    </div>
  );

  const dialog = job && (
    <>
      {renaming && <RenameJobDialog job={job} open onOpenChange={setRenaming} />}
      <ConfirmDialog
        open={confirmCancel && active}
        onOpenChange={setConfirmCancel}
        title="Cancel this fine-tune?"
        description={risk ? describeCancelRisk(risk) : 'It has just saved a checkpoint: nothing will be lost, and Resume continues from there.'}
        confirmLabel="Cancel the run"
        cancelLabel="Keep running"
        destructive
        busy={canceling}
        onConfirm={actions.cancelNow}
      />
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title="Delete this job?"
        description={
          isTrain
            ? 'Its log, metrics and result are deleted, and so are its files: the adapter folder and every checkpoint in it (unless a resumed job still shares that folder). This cannot be undone.'
            : 'Its log, metrics and result are deleted, with any files it wrote. This cannot be undone.'
        }
        confirmLabel="Delete job and files"
        destructive
        busy={remove.isPending}
        onConfirm={() =>
          remove.mutate(job.id, {
            onSuccess: () => {
              setConfirmDelete(false);
              toast.success('Job deleted');
              void navigate('/activity');
            },
          })
        }
      />
    </>
  );
  return { buttons, dialog };
}
