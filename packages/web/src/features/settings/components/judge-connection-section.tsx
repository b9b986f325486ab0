import type { JudgeConnection, JudgeConnectionTest } from '@qlora-studio/contracts';
import { CheckCircle2, Lock, Scale } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { Alert } from '../../../components/ui/alert';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../../components/ui/card';
import { Field, Input } from '../../../components/ui/input';
import { Skeleton } from '../../../components/ui/skeleton';
import { isApiClientError } from '../../../lib/api-client';
import { usePermission } from '../../../lib/system/get-session';
import { useJudgeConnection } from '../api/get-judge-connection';
import { testJudgeConnection } from '../api/test-judge-connection';
import { useUpdateJudgeConnection } from '../api/update-judge-connection';
import { draftOf, isDirty, judgeBody, keyStatus, latencyText, type JudgeDraft, type JudgeDraftErrors } from '../judge-form';

type TestState = { kind: 'idle' } | { kind: 'testing' } | { kind: 'ok'; result: JudgeConnectionTest } | { kind: 'failed'; error: unknown };

function TestResult({ state }: { state: TestState }) {
  if (state.kind === 'ok') {
    return (
      <Alert tone="success" title={`The judge answered in ${latencyText(state.result.latencyMs)}`}>
        <p>
          {state.result.model} replied: <q className="font-mono break-words">{state.result.reply.trim() || '(an empty reply)'}</q>
        </p>
      </Alert>
    );
  }
  if (state.kind === 'failed') return <ApiErrorAlert title="The judge could not be reached" error={state.error} />;
  return null;
}

/** The form for a loaded connection (exported for its render test). */
export function JudgeForm({ connection, canWrite, reason }: { connection: JudgeConnection; canWrite: boolean; reason: string | null }) {
  const [draft, setDraft] = useState<JudgeDraft>(() => draftOf(connection));
  const [errors, setErrors] = useState<JudgeDraftErrors>({});
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const update = useUpdateJudgeConnection();
  const dirty = isDirty(draft, connection);
  const configured = connection.baseUrl !== null;

  const set = (key: keyof JudgeDraft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: event.target.value }));

  const runTest = async () => {
    setTest({ kind: 'testing' });
    try {
      setTest({ kind: 'ok', result: await testJudgeConnection() });
    } catch (error) {
      setTest({ kind: 'failed', error });
    }
  };

  /** Saves the draft; resolves true when saved. */
  const save = async (): Promise<boolean> => {
    const checked = judgeBody(draft);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return false;
    }
    setErrors({});
    try {
      const saved = await update.mutateAsync(checked.body);
      setDraft(draftOf(saved));
      setTest({ kind: 'idle' });
      return true;
    } catch {
      return false; // the mutation's toast says why
    }
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save()) toast.success('Judge endpoint saved', { description: 'Judge benchmarks launched from now on use it.' });
  };

  const onTest = async () => {
    if (dirty && !(await save())) return;
    await runTest();
  };

  const remove = (body: { baseUrl: null } | { baseUrl: string; model: string; apiKey: null }, done: string) =>
    update.mutate(body, {
      onSuccess: (saved) => {
        setDraft(draftOf(saved));
        setErrors({});
        setTest({ kind: 'idle' });
        toast.success(done);
      },
    });

  return (
    <form onSubmit={onSubmit} noValidate>
      <CardContent className="flex flex-col gap-6">
        <div className="flex items-start gap-3 rounded-lg bg-surface-muted p-4 hc:border hc:border-line-strong">
          <Scale className="mt-0.5 size-5 shrink-0 text-secondary" aria-hidden />
          <p className="text-sm">
            Judge benchmarks on the Evaluation page send each answer and your rubric to this endpoint, and read the score from its reply. Any server that speaks
            the OpenAI chat completions API works: OpenAI, vLLM, llama.cpp’s server, Ollama.{' '}
            {configured ? (
              <Badge tone="success">
                <CheckCircle2 aria-hidden /> Configured
              </Badge>
            ) : (
              <Badge>Not configured</Badge>
            )}
          </p>
        </div>
        <div className="grid gap-6 md:grid-cols-2">
          <Field
            label="Base URL"
            description="Where /chat/completions starts, e.g. http://localhost:8000/v1 or https://api.openai.com/v1."
            error={errors.baseUrl}
          >
            {(ids) => (
              <Input
                {...ids}
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="http://localhost:8000/v1"
                value={draft.baseUrl}
                readOnly={!canWrite}
                aria-readonly={!canWrite || undefined}
                onChange={set('baseUrl')}
                className="font-mono"
              />
            )}
          </Field>
          <Field label="Model" description="The model the endpoint should judge with, as the server names it." error={errors.model}>
            {(ids) => (
              <Input
                {...ids}
                autoComplete="off"
                spellCheck={false}
                placeholder="gpt-4o-mini"
                value={draft.model}
                readOnly={!canWrite}
                aria-readonly={!canWrite || undefined}
                onChange={set('model')}
                className="font-mono"
              />
            )}
          </Field>
          <Field
            label={
              <span className="flex items-center gap-2">
                API key <Badge tone={connection.apiKeySet ? 'success' : 'neutral'}>{connection.apiKeySet ? 'set' : 'not set'}</Badge>
              </span>
            }
            description={`${keyStatus(connection, draft)}. Stored on the server and never shown again; leave empty to keep the stored key. Local servers usually need none.`}
            error={errors.apiKey}
          >
            {(ids) => (
              <div className="flex max-w-xl gap-2">
                <Input
                  {...ids}
                  type="password"
                  autoComplete="new-password"
                  spellCheck={false}
                  placeholder={connection.apiKeySet ? '•••••••• (set)' : ''}
                  value={draft.apiKey}
                  readOnly={!canWrite}
                  aria-readonly={!canWrite || undefined}
                  onChange={set('apiKey')}
                  className="font-mono"
                />
                {canWrite && connection.apiKeySet && connection.baseUrl !== null && connection.model !== null && (
                  <Button
                    variant="secondary"
                    loading={update.isPending}
                    onClick={() => remove({ baseUrl: connection.baseUrl!, model: connection.model!, apiKey: null }, 'API key removed')}
                  >
                    Remove key
                  </Button>
                )}
              </div>
            )}
          </Field>
        </div>
        <div aria-live="polite">
          <TestResult state={test} />
        </div>
      </CardContent>
      <CardFooter className="flex-wrap">
        {canWrite ? (
          <>
            <Button type="submit" loading={update.isPending} disabled={!dirty}>
              Save
            </Button>
            <Button variant="secondary" loading={test.kind === 'testing'} disabled={!configured && !dirty} onClick={() => void onTest()}>
              {dirty ? 'Save and test connection' : 'Test connection'}
            </Button>
            {configured && (
              <Button variant="ghost" onClick={() => remove({ baseUrl: null }, 'Judge endpoint removed')}>
                Remove judge
              </Button>
            )}
          </>
        ) : (
          <p className="flex items-center gap-2 text-sm text-fg-muted">
            <Lock className="size-4 shrink-0" aria-hidden />
            {reason ?? 'You can’t change the judge endpoint.'}
          </p>
        )}
      </CardFooter>
    </form>
  );
}

/** Settings → Connections: the OpenAI-compatible endpoint that judge benchmarks use. */
export function JudgeConnectionSection() {
  const connection = useJudgeConnection();
  const { allowed, reason } = usePermission('settings:write');
  return (
    <Card id="connections" aria-labelledby="connections-title" className="scroll-mt-24">
      <CardHeader>
        <div>
          <CardTitle id="connections-title">Connections</CardTitle>
          <CardDescription>Services outside QLoRA Studio that this workspace uses: the judge model for LLM-as-judge benchmarks.</CardDescription>
        </div>
      </CardHeader>
      {connection.isPending ? (
        <CardContent className="grid gap-6 md:grid-cols-2">
          <Skeleton className="h-24" />
          <Skeleton className="h-24" />
        </CardContent>
      ) : connection.isError ? (
        <CardContent>
          <Alert
            tone="danger"
            title="The judge endpoint could not be loaded"
            action={
              <Button variant="secondary" onClick={() => connection.refetch()}>
                Try again
              </Button>
            }
          >
            {isApiClientError(connection.error) ? `${connection.error.message} ${connection.error.hint}` : 'Reload the page.'}
          </Alert>
        </CardContent>
      ) : (
        <JudgeForm connection={connection.data} canWrite={allowed} reason={reason} />
      )}
    </Card>
  );
}
