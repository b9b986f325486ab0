import { isTerminal, type Job } from '@qlora-studio/contracts';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Progress } from '../../../components/ui/progress';
import { RelativeTime } from '../../../components/ui/relative-time';
import { formatDuration, secondsBetween } from '../../../lib/format';
import { smoothedEtaSeconds, type ProgressSample } from '../../../lib/jobs/eta';
import { estimateVersusActual } from '../../../lib/jobs/time-estimate';
import { progressBarValue, progressMessage, progressPercent } from '../../../components/jobs/job-status';
import { canResume } from '../board';

/** The time now, every second while `live`; frozen otherwise. */
function useTicker(live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

const tones = { failed: 'danger', interrupted: 'warning', succeeded: 'success' } as const;

/**
 * Progress bar with step / total, elapsed time and a smoothed time left; for a fine-tune, the
 * time it was estimated to take at launch, beside the live time left and, once done, what it took.
 */
export function JobProgressDetail({ job, samples }: { job: Job; samples: ProgressSample[] }) {
  const running = job.status === 'running';
  const now = useTicker(running);
  const p = job.progress;
  const percent = job.status === 'queued' ? 0 : progressPercent(job);
  const elapsed = job.startedAt ? secondsBetween(job.startedAt, job.finishedAt, now) : null;
  const eta = running && p ? (smoothedEtaSeconds(samples, p.total, now) ?? p.etaSeconds) : null;
  const estimate = estimateVersusActual(job);
  const facts: [string, string][] = [
    ['Step', p && p.total > 0 ? `${p.step} / ${p.total}` : job.status === 'succeeded' ? 'Done' : '—'],
    ['Done', percent === null ? '—' : `${Math.round(percent)}%`],
    ['Elapsed', elapsed === null ? 'Not started' : formatDuration(elapsed)],
    ['Time left', running ? (eta === null ? 'Estimating…' : `about ${formatDuration(eta)}`) : isTerminal(job.status) ? '—' : 'Not started'],
  ];
  return (
    <div className="flex flex-col gap-3">
      <Progress
        value={progressBarValue(job)}
        label={`Progress of ${job.title}`}
        tone={job.status in tones ? tones[job.status as keyof typeof tones] : 'primary'}
      />
      <p className="min-h-6 truncate text-sm text-fg-muted">{progressMessage(job)}</p>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-sm text-fg-muted">{label}</dt>
            <dd className="font-medium tabular-nums" data-fact={label}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {estimate && (
        <p className="text-sm font-medium" data-fact="Estimate">
          {estimate}
        </p>
      )}
      <p className="text-sm text-fg-muted">
        Created <RelativeTime date={job.createdAt} />
        {job.startedAt && (
          <>
            {' '}
            · started <RelativeTime date={job.startedAt} />
          </>
        )}
        {job.finishedAt && (
          <>
            {' '}
            · finished <RelativeTime date={job.finishedAt} />
          </>
        )}
      </p>
    </div>
  );
}

/** Why a job did not succeed, in plain words, and what to try next. */
export function JobOutcome({ job }: { job: Job }) {
  const resumeNote = canResume(job) ? ` It saved a checkpoint at step ${job.latestCheckpoint!.step}: Resume continues from there.` : '';
  if (job.status === 'failed') {
    const message = job.error?.message ?? 'It stopped with an error; the log below has the details.';
    return (
      <Alert tone="danger" title="Why this job failed" role="alert">
        <p className="text-base font-medium text-fg">{message}</p>
        {job.error?.hint && <p className="mt-2 text-fg">What to try: {job.error.hint}</p>}
        {/dataset/i.test(message + (job.error?.hint ?? '')) && (
          <p className="mt-2">
            <Link to="/fine-tune#step-dataset" className="inline-flex min-h-11 items-center font-medium text-primary-text underline underline-offset-4">
              Check the dataset on the Fine-tune page
            </Link>
          </p>
        )}
        {resumeNote && <p className="mt-2">{resumeNote.trim()}</p>}
      </Alert>
    );
  }
  if (job.status === 'interrupted')
    return (
      <Alert tone="warning" title="This job was interrupted">
        The server stopped while it was running, so it did not finish.{resumeNote || ' Retry it to get a result.'}
      </Alert>
    );
  if (job.status === 'canceled')
    return <Alert title="This job was canceled">It was stopped on request before it finished. Its log up to that point is kept below.{resumeNote}</Alert>;
  return null;
}
