import type { TrainingEstimate } from '@qlora-studio/contracts';
import { Alert } from '../../../components/ui/alert';
import { Progress } from '../../../components/ui/progress';
import { formatBytes, formatDuration } from '../../../lib/format';
import { formatStepSeconds, formatTrainingTime } from '../../../lib/jobs/time-estimate';
import type { useTrainingEstimate } from '../api/estimate-training';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Stat } from './dataset-report';

/** While the server times a few training steps of this model's shape: what it does now, and how far it got. */
function Measuring({ e }: { e: TrainingEstimate }) {
  const fraction = e.calibration.fraction ?? 0;
  return (
    <div className="flex flex-col gap-2">
      {/* Announced once; the step line below changes every second and would be too chatty live. */}
      <p className="text-sm font-medium" role="status">
        Measuring this machine's speed for this model…
      </p>
      <p className="text-sm text-fg-muted">{e.calibration.message}</p>
      <Progress value={fraction > 0 ? fraction * 100 : null} label="Measuring this machine's training speed" size="sm" />
      <p className="text-sm text-fg-muted">
        A few real training steps run in the background, once for this model shape and these settings; it takes seconds to a minute.
      </p>
    </div>
  );
}

/** The time and where it comes from, in a sentence: "≈ 12–16 min (measured: 2.9 s per step on this machine × 290 steps, …)". */
function timeLine(e: TrainingEstimate): string {
  const range = formatTrainingTime({ ...e.time, basis: 'measured' });
  if (e.time.basis === 'measured') {
    return `${range} (measured: ${formatStepSeconds(e.time.secondsPerStep)} per step on this machine × ${e.time.steps.toLocaleString()} steps, plus setup and evaluations; most likely about ${formatDuration(e.time.seconds)})`;
  }
  const rate =
    e.machine.gemmSource === 'system-check'
      ? `this machine's measured ${Math.round(e.machine.gemmGflops)} GFLOP/s (last system check)`
      : `an assumed ${Math.round(e.machine.gemmGflops)} GFLOP/s`;
  return `${range} (rough: counted from the work a step computes at ${rate}; small models take several times longer than such a count)`;
}

/** Time and peak memory on this machine, from the server (which measures its speed for the model and knows its free memory). */
export function EstimateSection({ estimate }: { estimate: ReturnType<typeof useTrainingEstimate> }) {
  const e = estimate.data;
  const measuring = e?.calibration.state === 'measuring';
  return (
    <section aria-labelledby="estimate-title" aria-busy={estimate.isFetching || measuring} className="flex flex-col gap-3">
      <h4 id="estimate-title" className="font-semibold">
        Estimate on this machine
      </h4>
      {estimate.error ? (
        <ApiErrorAlert error={estimate.error} title="The run cannot be estimated" />
      ) : !e ? (
        <p className="text-sm text-fg-muted">Estimating…</p>
      ) : (
        <>
          <dl className="grid gap-3 sm:grid-cols-3">
            <Stat label="Training time" value={measuring ? 'Measuring…' : formatTrainingTime(e.time)} />
            <Stat label="Peak memory" value={`≈ ${formatBytes(e.peakMemoryBytes)}`} />
            <Stat label="Work" value={`${e.steps.toLocaleString()} steps · ${Math.round(e.totalTokens).toLocaleString()} tokens`} />
          </dl>
          {measuring ? (
            <Measuring e={e} />
          ) : (
            <p className="text-sm text-fg-muted">
              {timeLine(e)}. An estimate, not a promise{e.time.basis === 'measured' ? ': the range allows for other work slowing the machine' : ''}.{' '}
              {formatBytes(e.machine.memoryAvailableBytes)} of {formatBytes(e.machine.memoryTotalBytes)} memory is free now.
              {e.savedActivations ? '' : ' Activations are recomputed in the backward pass to save memory.'}
            </p>
          )}
          {e.warnings.map((w) => (
            <Alert key={w.message} tone={w.level === 'danger' ? 'danger' : 'warning'} title={w.message}>
              {w.fix}
            </Alert>
          ))}
        </>
      )}
    </section>
  );
}
