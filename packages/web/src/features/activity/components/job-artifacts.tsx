import { FileText, FolderOpen, Save } from 'lucide-react';
import type { Artifact } from '../../../lib/jobs/job-stream';
import { CopyButton } from '../../../components/copy-button';

const kinds: Record<string, { title: string; icon: typeof FolderOpen; order: number }> = {
  adapter: { title: 'Adapter folder', icon: FolderOpen, order: 0 },
  summary: { title: 'Training summary', icon: FileText, order: 1 },
  checkpoint: { title: 'Checkpoint', icon: Save, order: 2 },
};

/** Checkpoints shown before the rest fold away. */
const shownCheckpoints = 3;

function ArtifactItem({ artifact: a }: { artifact: Artifact }) {
  const kind = kinds[a.artifactKind] ?? { title: a.artifactKind, icon: FileText, order: 3 };
  const Icon = kind.icon;
  return (
    <li className="flex items-center gap-3 py-2" data-artifact={a.artifactKind}>
      <Icon className="size-5 shrink-0 text-fg-muted" aria-hidden />
      <div className="flex min-w-0 flex-1 flex-col">
        <span className="font-medium">
          {kind.title}
          {a.label && a.label.toLowerCase() !== kind.title.toLowerCase() && <span className="font-normal text-fg-muted"> · {a.label}</span>}
        </span>
        <code className="truncate font-mono text-sm text-fg-muted" title={a.path}>
          {a.path}
        </code>
      </div>
      <CopyButton text={a.path} what={`${kind.title} path`} />
    </li>
  );
}

/** What the job wrote: the adapter folder first, then the summary, then the newest checkpoints (the rest folded). */
export function JobArtifacts({ artifacts }: { artifacts: Artifact[] }) {
  if (!artifacts.length) return <p className="text-sm text-fg-muted">This job has written no files yet.</p>;
  const order = (a: Artifact) => kinds[a.artifactKind]?.order ?? 3;
  const sorted = [...artifacts].sort((a, b) => order(a) - order(b) || b.id - a.id);
  const checkpoints = sorted.filter((a) => a.artifactKind === 'checkpoint');
  const main = [...sorted.filter((a) => a.artifactKind !== 'checkpoint'), ...checkpoints.slice(0, shownCheckpoints)];
  const older = checkpoints.slice(shownCheckpoints);
  return (
    <div className="flex flex-col gap-2">
      <ul aria-label="Artifacts" className="flex flex-col divide-y divide-line">
        {main.map((a) => (
          <ArtifactItem key={a.id} artifact={a} />
        ))}
      </ul>
      {older.length > 0 && (
        <details className="rounded-xl border border-line hc:border-line-strong">
          <summary className="flex min-h-11 cursor-pointer items-center px-4 font-medium">
            {older.length} older checkpoint{older.length === 1 ? '' : 's'}
          </summary>
          <ul aria-label="Older checkpoints" className="flex flex-col divide-y divide-line border-t border-line px-4">
            {older.map((a) => (
              <ArtifactItem key={a.id} artifact={a} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
