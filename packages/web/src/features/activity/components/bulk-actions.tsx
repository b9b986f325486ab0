import type { Job } from '@qlora-studio/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Ban, RotateCcw, Trash2, X } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Button } from '../../../components/ui/button';
import { cancelJob } from '../../../lib/jobs/api/cancel-job';
import { deleteJob } from '../../../lib/jobs/api/delete-job';
import { activityKeys, jobKeys } from '../../../lib/query-keys';
import { retryJob } from '../../../lib/jobs/api/retry-job';
import { usePermission } from '../../../lib/system/get-session';
import { canApply, type BulkAction } from '../board';
import { cancelRisk, describeCancelRisk } from '../cancel-risk';

const verbs: Record<BulkAction, { run: (id: string) => Promise<unknown>; done: string; failed: string }> = {
  cancel: { run: cancelJob, done: 'Stopping', failed: 'could not be canceled' },
  retry: { run: retryJob, done: 'Queued again', failed: 'could not be retried' },
  delete: { run: deleteJob, done: 'Deleted', failed: 'could not be deleted' },
};

const plural = (n: number) => `${n} job${n === 1 ? '' : 's'}`;

/**
 * Cancel, retry or delete the selected jobs together. Each job is tried on its own; the toast
 * names any that failed and why, and the rest stay done.
 */
export function BulkActions({
  selected,
  onDone,
  onClear,
}: {
  selected: Job[];
  onDone: (action: BulkAction, failedIds: string[]) => void;
  onClear: () => void;
}) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<BulkAction | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const permissions = {
    cancel: usePermission('jobs:cancel'),
    retry: usePermission('jobs:launch'),
    delete: usePermission('jobs:delete'),
  };
  const eligible = (action: BulkAction) => selected.filter((j) => canApply(action, j));
  // Running fine-tunes with steps since their last checkpoint: canceling loses those, so it asks first.
  const atRisk = eligible('cancel').flatMap((job) => {
    const risk = cancelRisk(job);
    return risk ? [{ job, risk }] : [];
  });

  const run = async (action: BulkAction) => {
    const jobs = eligible(action);
    setBusy(action);
    const results = await Promise.allSettled(jobs.map((j) => verbs[action].run(j.id)));
    setBusy(null);
    setConfirmDelete(false);
    setConfirmCancel(false);
    if (action === 'delete') for (const j of jobs) queryClient.removeQueries({ queryKey: jobKeys.detail(j.id) });
    void queryClient.invalidateQueries({ queryKey: jobKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    const failed = jobs.flatMap((job, i) => {
      const r = results[i]!;
      return r.status === 'rejected' ? [{ job, reason: r.reason instanceof Error ? r.reason.message : String(r.reason) }] : [];
    });
    const ok = jobs.length - failed.length;
    if (!failed.length) toast.success(`${verbs[action].done}: ${plural(ok)}`);
    else
      toast.error(`${plural(failed.length)} of ${jobs.length} ${verbs[action].failed}`, {
        description: (
          <ul className="flex flex-col gap-1">
            {failed.map((f) => (
              <li key={f.job.id}>
                {f.job.title} ({f.job.id}): {f.reason}
              </li>
            ))}
          </ul>
        ),
        duration: 15_000,
      });
    onDone(
      action,
      failed.map((f) => f.job.id),
    );
  };

  const button = (action: BulkAction, label: string, icon: React.ReactNode, onClick: () => void, variant: 'secondary' | 'danger-outline' = 'secondary') => {
    const count = eligible(action).length;
    const permission = permissions[action];
    return (
      <Button
        variant={variant}
        disabled={count === 0 || !permission.allowed || busy !== null}
        loading={busy === action}
        onClick={onClick}
        title={
          !permission.allowed
            ? (permission.reason ?? undefined)
            : count === 0
              ? `None of the selected jobs can be ${action === 'cancel' ? 'canceled' : action === 'retry' ? 'retried' : 'deleted'} in their state`
              : undefined
        }
      >
        {icon} {label} {count > 0 && <span className="tabular-nums">({count})</span>}
      </Button>
    );
  };

  return (
    <div role="group" aria-label="Actions on the selected jobs" className="flex flex-wrap items-center gap-2">
      <span className="text-sm font-medium" aria-live="polite">
        {plural(selected.length)} selected
      </span>
      {button('cancel', 'Cancel', <Ban aria-hidden />, () => (atRisk.length ? setConfirmCancel(true) : void run('cancel')))}
      {button('retry', 'Retry', <RotateCcw aria-hidden />, () => void run('retry'))}
      {button('delete', 'Delete', <Trash2 aria-hidden />, () => setConfirmDelete(true), 'danger-outline')}
      <Button variant="ghost" onClick={onClear}>
        <X aria-hidden /> Clear selection
      </Button>
      <ConfirmDialog
        open={confirmCancel}
        onOpenChange={setConfirmCancel}
        title={`Cancel ${plural(eligible('cancel').length)}?`}
        description={`A cancel stops without saving a checkpoint. ${atRisk
          .map(({ job, risk }) => `${job.title} (${job.id}): ${describeCancelRisk(risk)}`)
          .join(' ')}`}
        confirmLabel={eligible('cancel').length === 1 ? 'Cancel the job' : 'Cancel the jobs'}
        cancelLabel="Keep running"
        destructive
        busy={busy === 'cancel'}
        onConfirm={() => void run('cancel')}
      />
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete ${plural(eligible('delete').length)}?`}
        description="Their logs, metrics and results are deleted, and so are the files they wrote: a fine-tune's adapter and checkpoints. This cannot be undone. Jobs still queued or running are left alone."
        confirmLabel="Delete jobs"
        destructive
        busy={busy === 'delete'}
        onConfirm={() => void run('delete')}
      />
    </div>
  );
}
