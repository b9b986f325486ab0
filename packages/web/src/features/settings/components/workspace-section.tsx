import { roleLabels, settingsPatchSchema, settingsSchema, type Settings } from '@qlora-studio/contracts';
import { Lock } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../../components/ui/card';
import { Field, Input } from '../../../components/ui/input';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { useSession, usePermission } from '../../../lib/system/get-session';
import { useSettings } from '../api/get-settings';
import { useUpdateSettings } from '../api/update-settings';

type Draft = Record<keyof Settings, string>;

const fields: { key: keyof Settings; label: string; unit: string; min: number; max: number }[] = [
  { key: 'jobConcurrency', label: 'Jobs at the same time', unit: 'jobs', min: 1, max: 8 },
  { key: 'cancelGraceSeconds', label: 'Grace period when canceling', unit: 'seconds', min: 1, max: 600 },
  { key: 'uploadLimitMiB', label: 'Largest dataset upload', unit: 'MiB', min: 1, max: 65536 },
  { key: 'playgroundMaxNewTokens', label: 'Longest Playground reply', unit: 'tokens', min: 1, max: 8192 },
  { key: 'playgroundConcurrentStreams', label: 'Playground replies at the same time', unit: 'replies', min: 1, max: 8 },
];

const toDraft = (s: Settings): Draft => Object.fromEntries(fields.map((f) => [f.key, String(s[f.key])])) as Draft;

/** Field errors of a draft, checked with the same schema the server uses. */
function validate(draft: Draft): Partial<Record<keyof Settings, string>> {
  const errors: Partial<Record<keyof Settings, string>> = {};
  for (const f of fields) {
    const raw = draft[f.key].trim();
    const value = Number(raw);
    if (raw === '' || !Number.isInteger(value)) errors[f.key] = 'Enter a whole number.';
    else if (!settingsPatchSchema.safeParse({ [f.key]: value }).success) errors[f.key] = `Enter a number from ${f.min} to ${f.max}.`;
  }
  return errors;
}

function WorkspaceForm({ settings, canWrite, reason }: { settings: Settings; canWrite: boolean; reason: string | null }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [submitted, setSubmitted] = useState(false);
  const update = useUpdateSettings();
  const errors = submitted ? validate(draft) : {};
  const changed = fields.some((f) => draft[f.key].trim() !== String(settings[f.key]));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!canWrite || Object.keys(validate(draft)).length) return;
    const patch = Object.fromEntries(fields.filter((f) => Number(draft[f.key]) !== settings[f.key]).map((f) => [f.key, Number(draft[f.key])]));
    update.mutate(patch, {
      onSuccess: (saved) => {
        setDraft(toDraft(saved));
        setSubmitted(false);
        toast.success('Workspace settings saved', { description: 'They apply to the next job that starts.' });
      },
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <CardContent className="grid gap-6 md:grid-cols-2">
        {fields.map((f) => (
          <Field
            key={f.key}
            label={f.label}
            description={`${settingsSchema.shape[f.key].description ?? ''} ${f.min}–${f.max} ${f.unit}.`}
            error={errors[f.key]}
          >
            {(ids) => (
              <Input
                {...ids}
                type="number"
                inputMode="numeric"
                min={f.min}
                max={f.max}
                step={1}
                value={draft[f.key]}
                readOnly={!canWrite}
                aria-readonly={!canWrite || undefined}
                className="max-w-40"
                onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
              />
            )}
          </Field>
        ))}
      </CardContent>
      <CardFooter>
        {canWrite ? (
          <>
            <Button type="submit" loading={update.isPending} disabled={!changed}>
              Save changes
            </Button>
            <Button
              variant="ghost"
              disabled={!changed}
              onClick={() => {
                setDraft(toDraft(settings));
                setSubmitted(false);
              }}
            >
              Discard
            </Button>
          </>
        ) : (
          <p className="flex items-center gap-2 text-sm text-fg-muted">
            <Lock className="size-4 shrink-0" aria-hidden />
            {reason ?? 'You can’t change these settings.'}
          </p>
        )}
      </CardFooter>
    </form>
  );
}

/** Server-side settings: editable by practitioners, read-only for team members. */
export function WorkspaceSection() {
  const settings = useSettings();
  const session = useSession();
  const { allowed, reason } = usePermission('settings:write');
  return (
    <Card id="workspace" aria-labelledby="workspace-title" className="scroll-mt-24">
      <CardHeader>
        <div>
          <CardTitle id="workspace-title">Workspace</CardTitle>
          <CardDescription>
            Shared by everyone who uses this server.
            {session.data && !allowed && ` Read-only for you as a ${roleLabels[session.data.role]}.`}
          </CardDescription>
        </div>
      </CardHeader>
      {settings.isPending ? (
        <CardContent className="grid gap-6 md:grid-cols-2">
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
        </CardContent>
      ) : settings.isError ? (
        <CardContent>
          <Alert
            tone="danger"
            title="Workspace settings could not be loaded"
            action={
              <Button variant="secondary" onClick={() => settings.refetch()}>
                Try again
              </Button>
            }
          >
            {isApiClientError(settings.error) ? settings.error.hint : 'Reload the page.'}
          </Alert>
        </CardContent>
      ) : (
        <WorkspaceForm key={JSON.stringify(settings.data)} settings={settings.data} canWrite={allowed} reason={reason} />
      )}
    </Card>
  );
}
