import type { PlaygroundSession } from '@qlora-studio/contracts';
import { Save } from 'lucide-react';
import { useId, useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Input } from '../../../components/ui/input';
import { Switch } from '../../../components/ui/switch';

export interface SessionBarProps {
  session: PlaygroundSession | null;
  saving: boolean;
  onSave: (title: string) => void;
  onShare: (shared: boolean) => void;
  sharing: boolean;
  /** The title as typed, so a run that starts the session can give it this title. */
  onTitleInput?: (title: string) => void;
}

/** The open session: its title, Save, and sharing; or, for someone else's, why it is read-only. */
export function SessionBar({ session, saving, onSave, onShare, sharing, onTitleInput }: SessionBarProps) {
  const id = useId();
  const [title, setTitle] = useState(session?.title ?? '');
  const [error, setError] = useState<string | null>(null);
  // Follow the session when it changes (opened, renamed elsewhere, created by a run).
  const [seen, setSeen] = useState<string | null>(null);
  const key = session ? `${session.id}:${session.title}` : null;
  if (key !== seen) {
    setSeen(key);
    setTitle(session?.title ?? '');
    setError(null);
  }
  const owned = session?.ownedByMe ?? true;

  return (
    <div className="flex flex-col gap-3">
      {session && !owned && (
        <Alert tone="info" title={`Read-only: this session belongs to ${session.owner}`}>
          You can read its runs and reuse its prompt. Running or saving starts a new session of your own.
        </Alert>
      )}
      <form
        className="flex flex-wrap items-end gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const trimmed = title.trim();
          if (session && owned && !trimmed) return setError('Give the session a title.');
          onSave(trimmed);
        }}
      >
        <div className="flex min-w-[14rem] flex-1 flex-col gap-1.5">
          <label htmlFor={`${id}-title`} className="text-sm font-medium">
            Session title
          </label>
          <Input
            id={`${id}-title`}
            value={title}
            maxLength={200}
            placeholder={session ? undefined : 'Untitled: the first run names it'}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => {
              setTitle(e.target.value);
              setError(null);
              onTitleInput?.(e.target.value);
            }}
          />
          {error && (
            <p id={`${id}-error`} className="text-sm font-medium text-danger-text">
              {error}
            </p>
          )}
        </div>
        <Button type="submit" variant="secondary" loading={saving}>
          <Save aria-hidden />
          Save session
        </Button>
        {session && owned && (
          <label className="flex min-h-11 items-center gap-2 text-sm font-medium">
            <Switch checked={session.shared} disabled={sharing} onCheckedChange={onShare} />
            Share with workspace
          </label>
        )}
      </form>
    </div>
  );
}
