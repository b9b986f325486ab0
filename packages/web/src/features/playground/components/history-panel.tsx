import type { PlaygroundSessionSummary } from '@qlora-studio/contracts';
import { Download, FolderOpen, History, Pencil, Search, Trash2, Upload, X } from 'lucide-react';
import { Dialog as D } from 'radix-ui';
import { useId, useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../../components/ui/alert-dialog';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { Field, Input } from '../../../components/ui/input';
import { RelativeTime } from '../../../components/ui/relative-time';
import { Skeleton } from '../../../components/ui/skeleton';
import { Switch } from '../../../components/ui/switch';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { useDeleteSession } from '../api/delete-session';
import { useExportSession } from '../api/export-session';
import { useImportSession } from '../api/import-session';
import { useSessions } from '../api/list-sessions';
import { useUpdateSession } from '../api/update-session';

export interface HistoryPanelProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  currentSessionId: string | null;
  onOpenSession: (id: string) => void;
  /** The open session was deleted. */
  onDeleted: (id: string) => void;
}

function RenameDialog({ session, onClose }: { session: PlaygroundSessionSummary | null; onClose: () => void }) {
  const update = useUpdateSession();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [prevId, setPrevId] = useState<string | null>(null);
  if (session && session.id !== prevId) {
    setPrevId(session.id);
    setTitle(session.title);
    setError(null);
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!session) return;
    const trimmed = title.trim();
    if (!trimmed) return setError('Give the session a title.');
    update.mutate({ id: session.id, title: trimmed }, { onSuccess: () => (toast.success('Session renamed'), onClose()) });
  };
  return (
    <Dialog open={!!session} onOpenChange={(o) => !o && onClose()}>
      <DialogContent aria-describedby={undefined}>
        <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-col">
          <DialogHeader>
            <DialogTitle>Rename session</DialogTitle>
          </DialogHeader>
          <DialogBody>
            <Field label="Title" error={error}>
              {(ids) => <Input {...ids} value={title} maxLength={200} onChange={(e) => (setTitle(e.target.value), setError(null))} autoComplete="off" />}
            </Field>
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Rename
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function SessionItem({
  s,
  current,
  onOpen,
  onRename,
  onDelete,
}: {
  s: PlaygroundSessionSummary;
  current: boolean;
  onOpen: () => void;
  onRename: () => void;
  onDelete: () => void;
}) {
  const update = useUpdateSession();
  const exportSession = useExportSession();
  const titleId = useId();
  return (
    <li
      aria-current={current || undefined}
      className="flex flex-col gap-2 rounded-xl border border-line p-3 aria-[current]:border-primary hc:border-line-strong"
    >
      <div className="flex flex-wrap items-center gap-2">
        <p id={titleId} className="min-w-0 font-semibold break-words">
          {s.title}
        </p>
        {current && <Badge tone="primary">Open now</Badge>}
        {s.shared && <Badge tone="success">Shared</Badge>}
        {!s.ownedByMe && <Badge>Read-only</Badge>}
      </div>
      {s.preview && <p className="line-clamp-2 text-sm break-words text-fg-muted">{s.preview}</p>}
      <p className="text-sm text-fg-muted">
        {s.runCount} {s.runCount === 1 ? 'run' : 'runs'} · by {s.ownedByMe ? 'you' : s.owner} · <RelativeTime date={s.updatedAt} />
      </p>
      <div className="flex flex-wrap items-center gap-1">
        <Button variant="secondary" onClick={onOpen} aria-label={`Open ${s.title}`}>
          <FolderOpen aria-hidden />
          Open
        </Button>
        <Button
          variant="ghost"
          size="icon"
          aria-label={`Export ${s.title}`}
          title="Export as JSON"
          onClick={() => exportSession.mutate(s.id)}
          loading={exportSession.isPending}
        >
          <Download aria-hidden />
        </Button>
        {s.ownedByMe && (
          <>
            <Button variant="ghost" size="icon" aria-label={`Rename ${s.title}`} title="Rename" onClick={onRename}>
              <Pencil aria-hidden />
            </Button>
            <Button variant="ghost" size="icon" aria-label={`Delete ${s.title}`} title="Delete" onClick={onDelete} className="text-danger-text">
              <Trash2 aria-hidden />
            </Button>
            <label className="ml-auto flex min-h-11 items-center gap-2 text-sm">
              <Switch
                checked={s.shared}
                aria-label={`Shared: ${s.title}`}
                disabled={update.isPending}
                onCheckedChange={(shared) =>
                  update.mutate({ id: s.id, shared }, { onSuccess: () => toast.success(shared ? 'Shared with the workspace' : 'No longer shared') })
                }
              />
              <span aria-hidden>Shared</span>
            </label>
          </>
        )}
      </div>
    </li>
  );
}

/** Saved sessions: search, reopen, rename, share, export, import and delete. */
export function HistoryPanel({ open, onOpenChange, currentSessionId, onOpenSession, onDeleted }: HistoryPanelProps) {
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 300);
  const sessions = useSessions(q, open);
  const importSession = useImportSession();
  const remove = useDeleteSession();
  const fileRef = useRef<HTMLInputElement>(null);
  const [renaming, setRenaming] = useState<PlaygroundSessionSummary | null>(null);
  const [deleting, setDeleting] = useState<PlaygroundSessionSummary | null>(null);
  const list = sessions.data?.pages.flatMap((page) => page.sessions) ?? [];
  const more = sessions.hasNextPage;

  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-50 bg-overlay animate-fade-in" />
        <D.Content className="fixed inset-y-0 right-0 z-50 flex w-[min(30rem,100vw)] flex-col border-l border-line bg-surface text-fg shadow-raised animate-fade-in hc:border-line-strong">
          <div className="flex items-start justify-between gap-3 border-b border-line px-5 py-4">
            <div>
              <D.Title className="flex items-center gap-2 text-lg font-semibold">
                <History className="size-5" aria-hidden />
                History
              </D.Title>
              <D.Description className="text-sm text-fg-muted">Every run is saved in a session. Yours and those shared with the workspace.</D.Description>
            </div>
            <D.Close asChild>
              <Button variant="ghost" size="icon" aria-label="Close history">
                <X aria-hidden />
              </Button>
            </D.Close>
          </div>
          <div className="flex flex-col gap-3 border-b border-line px-5 py-4">
            <div className="relative">
              <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-muted" aria-hidden />
              <Input
                type="search"
                aria-label="Search sessions"
                placeholder="Search titles, prompts and outputs"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                className="pl-9"
              />
            </div>
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => fileRef.current?.click()} loading={importSession.isPending}>
                <Upload aria-hidden />
                Import session
              </Button>
              <input
                ref={fileRef}
                type="file"
                accept="application/json,.json"
                hidden
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file)
                    importSession.mutate(file, {
                      onSuccess: (session) => {
                        toast.success(`Imported “${session.title}”`);
                        onOpenSession(session.id);
                      },
                    });
                }}
              />
            </div>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4" aria-busy={sessions.isFetching}>
            {sessions.isPending ? (
              <div className="flex flex-col gap-3">
                <Skeleton className="h-28" />
                <Skeleton className="h-28" />
              </div>
            ) : sessions.isError ? (
              <ApiErrorAlert title="Sessions could not be loaded" error={sessions.error} onRetry={() => void sessions.refetch()} />
            ) : list.length === 0 ? (
              <EmptyState icon={History} title={q ? 'No session matches' : 'No sessions yet'}>
                {q ? 'Try other words, or clear the search.' : 'Run a prompt and it is saved here, with every output.'}
              </EmptyState>
            ) : (
              <ul aria-label="Sessions" className="flex flex-col gap-3">
                {list.map((s) => (
                  <SessionItem
                    key={s.id}
                    s={s}
                    current={s.id === currentSessionId}
                    onOpen={() => onOpenSession(s.id)}
                    onRename={() => setRenaming(s)}
                    onDelete={() => setDeleting(s)}
                  />
                ))}
              </ul>
            )}
            {more && (
              <div className="mt-3 flex justify-center">
                <Button variant="secondary" onClick={() => void sessions.fetchNextPage()} loading={sessions.isFetchingNextPage}>
                  Show older sessions
                </Button>
              </div>
            )}
            <p role="status" className="sr-only">
              {sessions.isSuccess
                ? `${list.length}${more ? ' or more' : ''} ${list.length === 1 && !more ? 'session' : 'sessions'}${q ? ` match “${q}”` : ''}`
                : ''}
            </p>
          </div>
          <RenameDialog session={renaming} onClose={() => setRenaming(null)} />
          <ConfirmDialog
            open={!!deleting}
            onOpenChange={(o) => !o && setDeleting(null)}
            title={`Delete “${deleting?.title ?? ''}”?`}
            description="The session and every run in it are deleted, for everyone it is shared with. Generations still running stop. This cannot be undone; export it first to keep a copy."
            confirmLabel="Delete session"
            destructive
            busy={remove.isPending}
            onConfirm={() => {
              const target = deleting;
              if (!target) return;
              remove.mutate(target.id, {
                onSuccess: () => {
                  toast.success(`Deleted “${target.title}”`);
                  setDeleting(null);
                  onDeleted(target.id);
                },
              });
            }}
          />
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
