import { Play, Square } from 'lucide-react';
import { useId, useRef } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { useFocusFallback } from '../../../lib/use-focus-fallback';
import { PermissionButton } from '../../../components/system/permission-button';
import { problemList, type DraftProblems } from '../draft';

export interface RunBarProps {
  onRun: () => void;
  starting: boolean;
  /**
   * A run of yours is still generating: Run waits for it (a second run would leave it
   * generating with no one following it), and Stop is offered next to Run.
   */
  busy: boolean;
  /** Present while the current run generates and you may stop it (your own session). */
  onStop?: () => void;
  stopping: boolean;
  paneCount: number;
  /** Running starts a new session (the open one is someone else's). */
  forksSession: boolean;
  problems: DraftProblems;
  showProblems: boolean;
  /** A fine-tune is running: it has the CPU first, so replies come slower. */
  trainingRunning?: boolean;
}

/** Run and Stop, kept in view at the bottom, and what stops a run from starting. */
export function RunBar({ onRun, starting, busy, onStop, stopping, paneCount, forksSession, problems, showProblems, trainingRunning }: RunBarProps) {
  const busyId = useId();
  // Stop goes away when the run ends; focus then returns to Run.
  const bar = useRef<HTMLDivElement>(null);
  const stopRef = useFocusFallback<HTMLButtonElement>(() => bar.current?.querySelector<HTMLButtonElement>('button'));
  const list = problemList(problems);
  const count = list.length;
  return (
    <>
      <div
        ref={bar}
        className="sticky bottom-0 z-10 -mx-2 flex flex-wrap items-center gap-3 rounded-xl border border-line bg-surface/95 px-4 py-3 shadow-raised backdrop-blur hc:border-line-strong"
      >
        {/* aria-disabled rather than disabled, so focus stays on Run when a run starts from it. */}
        <PermissionButton
          permission="inference:run"
          size="lg"
          onClick={onRun}
          loading={starting}
          aria-keyshortcuts="Control+Enter"
          aria-disabled={busy || undefined}
          aria-describedby={busy ? busyId : undefined}
        >
          <Play aria-hidden />
          Run
        </PermissionButton>
        {onStop && (
          <Button ref={stopRef} variant="danger-outline" size="lg" onClick={onStop} loading={stopping}>
            <Square aria-hidden />
            Stop
          </Button>
        )}
        <p className="text-sm text-fg-muted">
          {busy ? (
            <span id={busyId}>Generating: stop the run or wait for it to finish to run again.</span>
          ) : (
            <>
              {paneCount > 1 ? `${paneCount} models` : '1 model'} · Ctrl+Enter runs
              {forksSession ? ' · runs start a new session of yours' : ''}
            </>
          )}
        </p>
        {trainingRunning && <p className="text-sm text-fg-muted">A fine-tune is running and has priority: replies may come slower.</p>}
      </div>
      {showProblems && count > 0 && (
        <Alert tone="danger" role="alert" title={`Fix ${count === 1 ? 'this' : `these ${count} things`} to run`}>
          <ul className="list-disc pl-5">
            {list.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}
