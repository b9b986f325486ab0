import { roleLabels } from '@qlora-studio/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Eye, EyeOff, KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../../components/ui/card';
import { Field, Input } from '../../../components/ui/input';
import { Skeleton } from '../../../components/ui/skeleton';
import { setToken, useToken } from '../../../lib/auth-token';
import { useSession } from '../../../lib/system/get-session';

/** Who this browser is to the server, and the access token it sends. */
export function ConnectionSection() {
  const token = useToken();
  const session = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(token ?? '');
  const [visible, setVisible] = useState(false);

  const apply = (next: string | null) => {
    setToken(next);
    void queryClient.invalidateQueries();
    toast.success(next ? 'Access token saved' : 'Access token removed', {
      description: next ? 'This browser now sends it with every request.' : 'This browser now connects without a token.',
    });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft.trim() || null);
  };

  return (
    <Card id="connection" aria-labelledby="connection-title" className="scroll-mt-24">
      <CardHeader>
        <div>
          <CardTitle id="connection-title">Connection</CardTitle>
          <CardDescription>How this browser signs in to the QLoRA Studio server.</CardDescription>
        </div>
      </CardHeader>
      <form onSubmit={onSubmit}>
        <CardContent className="flex flex-col gap-6">
          <div className="flex items-start gap-3 rounded-lg bg-surface-muted p-4 hc:border hc:border-line-strong">
            <KeyRound className="mt-0.5 size-5 shrink-0 text-secondary" aria-hidden />
            {session.isPending ? (
              <Skeleton className="h-10 w-64" />
            ) : session.data ? (
              <p className="text-sm">
                You are signed in as <strong>{roleLabels[session.data.role]}</strong>{' '}
                {session.data.via === 'token'
                  ? `with the token “${session.data.tokenName ?? 'unnamed'}”.`
                  : 'because this browser runs on the same machine as the server.'}
              </p>
            ) : (
              <p className="text-sm text-danger-text">
                {session.error?.message ?? 'Not connected.'} {session.error && 'hint' in session.error ? String(session.error.hint) : ''}
              </p>
            )}
          </div>
          <Field
            label="Access token"
            description="Needed when you open QLoRA Studio from another machine. An ML Practitioner creates one with `qlora token create`. Kept in this browser only."
          >
            {(ids) => (
              <div className="flex max-w-xl gap-2">
                <Input
                  {...ids}
                  type={visible ? 'text' : 'password'}
                  autoComplete="off"
                  spellCheck={false}
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  className="font-mono"
                />
                <Button
                  variant="secondary"
                  size="icon"
                  aria-label={visible ? 'Hide token' : 'Show token'}
                  aria-pressed={visible}
                  onClick={() => setVisible((v) => !v)}
                >
                  {visible ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
                </Button>
              </div>
            )}
          </Field>
        </CardContent>
        <CardFooter>
          <Button type="submit" disabled={draft.trim() === (token ?? '')}>
            Save token
          </Button>
          {token && (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft('');
                apply(null);
              }}
            >
              Remove token
            </Button>
          )}
        </CardFooter>
      </form>
    </Card>
  );
}
