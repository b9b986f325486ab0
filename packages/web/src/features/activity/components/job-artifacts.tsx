import { FileText, FolderOpen, Save } from 'lucide-react';
import type { Artifact } from '../../jobs/job-stream';
import { CopyButton } from './copy-button';

const kinds: Record<string, { title: string; icon: typeof FolderOpen; order: number }> = {
  adapter: { title: 'Adapter folder', icon: FolderOpen, order: 0 },
  summary: { title: 'Training summary', icon: FileText, order: 1 },
  checkpoint: { title: 'Checkpoint', icon: Save, order: 2 },
};

/** What the job wrote: the adapter folder first, then the summary, then checkpoints (newest first). */
export function JobArtifacts({ artifacts }: { artifacts: Artifact[] }) {
  if (!artifacts.length) return <p className="text-sm text-fg-muted">This job has written no files yet.</p>;
  const sorted = [...artifacts].sort((a, b) => (kinds[a.artifactKind]?.order ?? 3) - (kinds[b.artifactKind]?.order ?? 3) || b.id - a.id);
  return (
    <ul aria-label="Artifacts" className="flex flex-col divide-y divide-line">
      {sorted.map((a) => {
        const kind = kinds[a.artifactKind] ?? { title: a.artifactKind, icon: FileText, order: 3 };
        const Icon = kind.icon;
        return (
          <li key={a.id} className="flex items-center gap-3 py-2" data-artifact={a.artifactKind}>
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
      })}
    </ul>
  );
}
