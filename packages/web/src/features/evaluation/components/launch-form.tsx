import type { LaunchEvaluationBody } from '@qlora-studio/contracts';
import { ChevronDown, Play } from 'lucide-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { PermissionButton } from '../../../components/system/permission-button';
import { Alert } from '../../../components/ui/alert';
import { Field, Input } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { Switch } from '../../../components/ui/switch';
import { formatParameters } from '../../../lib/format';
import { useJobs } from '../../../lib/jobs/api/list-jobs';
import { checkpointEventsQueryOptions, useCheckpointEvents } from '../api/list-checkpoint-events';
import { useLaunchEvaluation } from '../api/launch-evaluation';
import { useBenchmarks } from '../api/list-benchmarks';
import { useModels } from '../api/list-models';
import {
  checkpointOptions,
  checkpointStep,
  fineTuneOptions,
  launchJobCount,
  launchModels,
  parseLimit,
  selectionState,
  type AdapterOption,
  type FineTuneOption,
} from '../launch';

/** A checkbox row whose label wraps it, so the whole row (44px or more) is the hit area. */
function Check({ checked, onChange, children, hint }: { checked: boolean; onChange: (checked: boolean) => void; children: ReactNode; hint?: ReactNode }) {
  return (
    <li>
      <label className="flex min-h-11 cursor-pointer items-start gap-3 rounded-lg px-2 py-2 text-sm hover:bg-surface-muted">
        <input type="checkbox" className="mt-0.5 size-5 shrink-0 accent-primary" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        <span className="min-w-0 flex-1">
          <span className="font-medium break-words">{children}</span>
          {hint && <span className="block text-fg-muted">{hint}</span>}
        </span>
      </label>
    </li>
  );
}

const toggle = (list: readonly string[], value: string, on: boolean) => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value));

/** Chosen adapters and checkpoints, by option key. */
type Chosen = Readonly<Record<string, AdapterOption>>;

function choose(chosen: Chosen, options: readonly AdapterOption[], on: boolean): Chosen {
  const next = { ...chosen };
  for (const o of options) {
    if (on) next[o.key] = o;
    else delete next[o.key];
  }
  return next;
}

/**
 * One fine-tune: its final adapter, and its checkpoints behind a disclosure, read from the
 * fine-tune's artifact events once opened. "All checkpoints" loads them if need be and picks
 * every one, so a whole training curve is one click.
 */
function FineTuneGroup({
  fineTune,
  modelName,
  chosen,
  onChange,
}: {
  fineTune: FineTuneOption;
  modelName: string;
  chosen: Chosen;
  onChange: (update: (chosen: Chosen) => Chosen) => void;
}) {
  const queryClient = useQueryClient();
  const [expanded, setExpanded] = useState(false);
  const [loadingAll, setLoadingAll] = useState(false);
  const events = useCheckpointEvents(fineTune, expanded && fineTune.latestCheckpoint !== null);
  const checkpoints = useMemo(() => checkpointOptions(fineTune, events.data?.events ?? []), [fineTune, events.data]);
  const listId = useId();
  const keys = new Set(Object.keys(chosen));
  const latestStep = fineTune.latestCheckpoint?.step ?? null;
  const refetch = events.refetch;

  // Events fetched while the fine-tune ran miss the checkpoints it saved since: when the job's
  // newest checkpoint is not among them, refetch (once per step, so a missing report cannot loop).
  const refreshedFor = useRef<number | null>(null);
  useEffect(() => {
    if (!events.data || latestStep === null || refreshedFor.current === latestStep) return;
    if (events.data.events.some((e) => e.kind === 'artifact' && e.artifactKind === 'checkpoint' && checkpointStep(e) === latestStep)) return;
    refreshedFor.current = latestStep;
    void refetch();
  }, [events.data, latestStep, refetch]);

  const all = events.data ? selectionState(checkpoints, keys) : checkpoints.some((c) => keys.has(c.key)) ? 'some' : 'none';
  const chooseAll = async (on: boolean) => {
    if (!on) {
      onChange((c) =>
        choose(
          c,
          Object.values(c).filter((o) => o.jobId === fineTune.jobId && o.kind === 'checkpoint'),
          false,
        ),
      );
      return;
    }
    setExpanded(true);
    // Ticked at once while the list loads, so the box never unticks itself before it fills.
    setLoadingAll(true);
    try {
      const data = await queryClient.fetchQuery(checkpointEventsQueryOptions(fineTune));
      onChange((c) => choose(c, checkpointOptions(fineTune, data.events), true));
    } catch {
      // The opened list shows the error with a retry.
    } finally {
      setLoadingAll(false);
    }
  };

  return (
    <li className="flex flex-col">
      <ul className="flex flex-col">
        {fineTune.final ? (
          <Check
            checked={keys.has(fineTune.final.key)}
            onChange={(on) => onChange((c) => choose(c, [fineTune.final!], on))}
            hint={`On ${modelName} · the final adapter`}
          >
            {fineTune.title}
          </Check>
        ) : (
          <li className="px-2 py-2 text-sm">
            <span className="font-medium break-words">{fineTune.title}</span>
            <span className="block text-fg-muted">On {modelName} · stopped before its final adapter; its checkpoints remain</span>
          </li>
        )}
      </ul>
      {fineTune.latestCheckpoint && (
        <div role="group" aria-label={`Checkpoints of ${fineTune.title}`} className="ml-8 flex flex-col">
          <div className="flex flex-wrap items-center gap-x-4">
            <button
              type="button"
              aria-expanded={expanded}
              aria-controls={listId}
              onClick={() => setExpanded((e) => !e)}
              className="flex min-h-11 items-center gap-1 rounded-lg px-2 text-left text-sm font-medium hover:bg-surface-muted"
            >
              <ChevronDown className={expanded ? 'size-4 rotate-180' : 'size-4'} aria-hidden />
              {events.data ? `${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'}` : `Checkpoints (newest at step ${latestStep})`}
            </button>
            <label className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg px-2 text-sm hover:bg-surface-muted">
              <input
                type="checkbox"
                className="size-5 shrink-0 accent-primary"
                checked={loadingAll || all === 'all'}
                ref={(el) => {
                  if (el) el.indeterminate = !loadingAll && all === 'some';
                }}
                onChange={(e) => void chooseAll(e.target.checked)}
              />
              All checkpoints{' '}
            </label>
          </div>
          {expanded && (
            <div id={listId}>
              {events.isError && <ApiErrorAlert title="The checkpoints could not be listed" error={events.error} onRetry={() => void refetch()} />}
              {events.isPending && <p className="px-2 py-2 text-sm text-fg-muted">Loading the checkpoints…</p>}
              <ul aria-label="Checkpoints by training step" className="flex flex-col">
                {checkpoints.map((c) => (
                  <Check
                    key={c.key}
                    checked={keys.has(c.key)}
                    onChange={(on) => onChange((x) => choose(x, [c], on))}
                    hint={c.step === latestStep ? 'The newest checkpoint' : undefined}
                  >
                    Step {c.step}
                  </Check>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * Models × benchmarks as one batch: base models, adapters (and checkpoints), the benchmarks,
 * and under Advanced the quantization, kernels and item limit.
 */
export function LaunchForm({ preselectedBenchmark, onLaunched }: { preselectedBenchmark: string | null; onLaunched: (batchId: string) => void }) {
  const models = useModels();
  const trainJobs = useJobs({ type: 'train', limit: 200 });
  const benchmarks = useBenchmarks();
  const launch = useLaunchEvaluation();

  const [baseIds, setBaseIds] = useState<string[]>([]);
  const [chosen, setChosen] = useState<Chosen>({});
  const [includeBase, setIncludeBase] = useState(true);
  const [benchmarkIds, setBenchmarkIds] = useState<string[]>(preselectedBenchmark ? [preselectedBenchmark] : []);
  const [quant, setQuant] = useState<LaunchEvaluationBody['quant']>('nf4');
  const [kernels, setKernels] = useState<LaunchEvaluationBody['kernels']>('fast');
  const [limitText, setLimitText] = useState('');
  const [advanced, setAdvanced] = useState(false);

  const fineTunes = useMemo(() => fineTuneOptions(trainJobs.data?.jobs ?? []), [trainJobs.data]);
  const modelName = (id: string) => models.data?.models.find((m) => m.id === id)?.name ?? id;
  // Final adapters first, then checkpoints by fine-tune and step, so the queue reads in training order.
  const chosenAdapters = Object.values(chosen).sort((a, b) =>
    a.kind === b.kind ? a.jobId.localeCompare(b.jobId) || (a.step ?? 0) - (b.step ?? 0) : a.kind === 'final' ? -1 : 1,
  );
  const body = launchModels({ baseModelIds: baseIds, adapters: chosenAdapters, includeBase });
  const { limit, error: limitError } = parseLimit(limitText);
  const count = launchJobCount(body.length, benchmarkIds.length);

  const submit = () => {
    if (count === 0 || limitError) return;
    launch.mutate(
      { models: body, benchmarks: benchmarkIds.map((id) => ({ id })), quant, kernels, ...(limit !== undefined && { limit }) },
      {
        onSuccess: (batch) => {
          const cached = batch.jobs.filter((j) => j.status === 'succeeded').length;
          toast.success(
            `Queued ${batch.jobs.length} evaluation${batch.jobs.length === 1 ? '' : 's'}${cached ? ` (${cached} answered at once from the cache)` : ''}.`,
          );
          onLaunched(batch.batchId);
        },
      },
    );
  };

  if (models.isPending || benchmarks.isPending) return <Skeleton className="h-64 w-full" />;
  if (models.isError) return <ApiErrorAlert title="The models could not be loaded" error={models.error} onRetry={() => void models.refetch()} />;
  if (benchmarks.isError)
    return <ApiErrorAlert title="The benchmarks could not be loaded" error={benchmarks.error} onRetry={() => void benchmarks.refetch()} />;

  return (
    // Not a <form>: inside one, Radix adds hidden inputs to its switches and radios that the page does not need.
    <div className="flex flex-col gap-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <fieldset className="flex min-w-0 flex-col gap-2">
          <legend className="mb-2 font-semibold">Models</legend>
          {models.data.models.length === 0 ? (
            <Alert title="No base models registered">Register or download one on the Fine-tune page first.</Alert>
          ) : (
            <ul aria-label="Base models" className="flex flex-col">
              {models.data.models.map((m) => (
                <Check
                  key={m.id}
                  checked={baseIds.includes(m.id)}
                  onChange={(on) => setBaseIds((l) => toggle(l, m.id, on))}
                  hint={`${formatParameters(m.parameters)} parameters, ${m.architecture}`}
                >
                  {m.name}
                </Check>
              ))}
            </ul>
          )}
          <p className="mt-2 text-sm font-medium">Adapters</p>
          {trainJobs.isError && <ApiErrorAlert title="The fine-tunes could not be loaded" error={trainJobs.error} onRetry={() => void trainJobs.refetch()} />}
          {fineTunes.length === 0 && !trainJobs.isPending ? (
            <p className="text-sm text-fg-muted">No fine-tune has left an adapter or a checkpoint yet.</p>
          ) : (
            <ul aria-label="Adapters and checkpoints" className="flex max-h-96 flex-col gap-1 overflow-y-auto">
              {fineTunes.map((f) => (
                <FineTuneGroup key={f.jobId} fineTune={f} modelName={modelName(f.modelId)} chosen={chosen} onChange={setChosen} />
              ))}
            </ul>
          )}
          <div className="mt-2 flex items-start gap-3">
            <Switch id="launch-include-base" checked={includeBase} onCheckedChange={setIncludeBase} aria-describedby="launch-include-base-help" />
            <div>
              <label htmlFor="launch-include-base" className="text-sm font-medium">
                Include the base model
              </label>
              <p id="launch-include-base-help" className="text-sm text-fg-muted">
                Also evaluates each adapter’s base model alone, so the results can show whether the adapter helped.
              </p>
            </div>
          </div>
        </fieldset>
        <fieldset className="flex min-w-0 flex-col gap-2">
          <legend className="mb-2 font-semibold">Benchmarks</legend>
          {benchmarks.data.benchmarks.length === 0 ? (
            <Alert title="No benchmarks yet">Make one on the Benchmarks tab (a built-in sample takes one click).</Alert>
          ) : (
            <ul aria-label="Benchmarks to run" className="flex max-h-96 flex-col overflow-y-auto">
              {benchmarks.data.benchmarks.map((b) => (
                <Check
                  key={b.id}
                  checked={benchmarkIds.includes(b.id)}
                  onChange={(on) => setBenchmarkIds((l) => toggle(l, b.id, on))}
                  hint={`${b.task}, ${b.items} items, version ${b.version}`}
                >
                  {b.name}
                </Check>
              ))}
            </ul>
          )}
        </fieldset>
      </div>

      <div className="rounded-xl border border-line">
        <button
          type="button"
          aria-expanded={advanced}
          aria-controls="launch-advanced"
          onClick={() => setAdvanced((a) => !a)}
          className="flex min-h-11 w-full items-center justify-between gap-2 px-4 text-left font-medium"
        >
          Advanced: quantization, kernels, item limit
          <ChevronDown className={advanced ? 'size-5 rotate-180' : 'size-5'} aria-hidden />
        </button>
        {advanced && (
          <div id="launch-advanced" className="grid gap-6 border-t border-line p-4 md:grid-cols-3">
            <div className="flex flex-col gap-2">
              <p id="launch-quant-label" className="text-sm font-medium">
                Base weights
              </p>
              <Segmented aria-labelledby="launch-quant-label" value={quant} onValueChange={(v) => setQuant(v as typeof quant)}>
                <SegmentedItem value="nf4">NF4 (4-bit)</SegmentedItem>
                <SegmentedItem value="none">Float32</SegmentedItem>
              </Segmented>
              <p className="text-sm text-fg-muted">NF4 is how QLoRA trained the adapter; float32 measures the unquantized model (more memory).</p>
            </div>
            <div className="flex flex-col gap-2">
              <p id="launch-kernels-label" className="text-sm font-medium">
                NF4 kernels
              </p>
              <Segmented
                aria-labelledby="launch-kernels-label"
                value={kernels}
                onValueChange={(v) => setKernels(v as typeof kernels)}
                disabled={quant === 'none'}
              >
                <SegmentedItem value="fast">Fast</SegmentedItem>
                <SegmentedItem value="exact">Exact</SegmentedItem>
              </Segmented>
              <p className="text-sm text-fg-muted">
                Fast (default): int8 kernels built from the NF4 weights. Exact: the bitsandbytes NF4 math other tools compute, slower; use it to match their
                numbers.{quant === 'none' && ' Float32 weights have one kernel.'}
              </p>
            </div>
            <Field
              label="Item limit"
              description="Evaluate only the first N items of each benchmark (empty: all). Quick checks; compare only runs with the same limit."
              error={limitError}
            >
              {(ids) => <Input {...ids} inputMode="numeric" value={limitText} onChange={(e) => setLimitText(e.target.value)} placeholder="All items" />}
            </Field>
          </div>
        )}
      </div>

      {launch.isError && <ApiErrorAlert title="The evaluations were not queued" error={launch.error} />}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" className="text-sm" id="launch-count">
          {count === 0
            ? 'Choose at least one model (or adapter) and one benchmark.'
            : `Queues ${count} job${count === 1 ? '' : 's'}: ${body.length} model${body.length === 1 ? '' : 's'} × ${benchmarkIds.length} benchmark${benchmarkIds.length === 1 ? '' : 's'}.`}
        </p>
        <PermissionButton
          permission="jobs:launch"
          size="lg"
          onClick={submit}
          loading={launch.isPending}
          disabled={count === 0 || limitError !== null}
          aria-describedby="launch-count"
        >
          <Play aria-hidden />
          Launch evaluation
        </PermissionButton>
      </div>
    </div>
  );
}
