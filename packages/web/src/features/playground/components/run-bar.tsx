import { Play, Square } from 'lucide-react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { PermissionButton } from '../../system/components/permission-button';
import { countProblems, type DraftProblems } from '../draft';

export interface RunBarProps {
  onRun: () => void;
  starting: boolean;
  /** Present while the current run generates. */
  onStop?: () => void;
  stopping: boolean;
  paneCount: number;
  /** Running starts a new session (the open one is someone else's). */
  forksSession: boolean;
  problems: DraftProblems;
  showProblems: boolean;
}

/** Run and Stop, kept in view at the bottom, and what stops a run from starting. */
export function RunBar({ onRun, starting, onStop, stopping, paneCount, forksSession, problems, showProblems }: RunBarProps) {
  const count = countProblems(problems);
  const list = [problems.panes, problems.prompt, ...Object.values(problems.variables), ...Object.values(problems.settings)].filter((p): p is string => !!p);
  return (
    <>
      <div className="sticky bottom-0 z-10 -mx-2 flex flex-wrap items-center gap-3 rounded-xl border border-line bg-surface/95 px-4 py-3 shadow-raised backdrop-blur hc:border-line-strong">
        <PermissionButton permission="inference:run" size="lg" onClick={onRun} loading={starting} aria-keyshortcuts="Control+Enter">
          <Play aria-hidden />
          Run
        </PermissionButton>
        {onStop && (
          <Button variant="danger-outline" size="lg" onClick={onStop} loading={stopping}>
            <Square aria-hidden />
            Stop
          </Button>
        )}
        <p className="text-sm text-fg-muted">
          {paneCount > 1 ? `${paneCount} models` : '1 model'} · Ctrl+Enter runs
          {forksSession ? ' · runs start a new session of yours' : ''}
        </p>
      </div>
      {showProblems && count > 0 && (
        <Alert tone="danger" role="alert" title={`Fix ${count === 1 ? 'this' : `these ${count} things`} to run`}>
          <ul className="list-disc pl-5">
            {list.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}
