import type { LaunchEvaluationBody } from '@qlora-studio/contracts';
import { ChevronDown, Play } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
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
import { useLaunchEvaluation } from '../api/launch-evaluation';
import { useBenchmarks } from '../api/list-benchmarks';
import { useModels } from '../api/list-models';
import { adapterOptions, launchJobCount, launchModels, parseLimit } from '../launch';

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
  const [adapterKeys, setAdapterKeys] = useState<string[]>([]);
  const [includeBase, setIncludeBase] = useState(true);
  const [benchmarkIds, setBenchmarkIds] = useState<string[]>(preselectedBenchmark ? [preselectedBenchmark] : []);
  const [quant, setQuant] = useState<LaunchEvaluationBody['quant']>('nf4');
  const [kernels, setKernels] = useState<LaunchEvaluationBody['kernels']>('fast');
  const [limitText, setLimitText] = useState('');
  const [advanced, setAdvanced] = useState(false);

  const adapters = useMemo(() => adapterOptions(trainJobs.data?.jobs ?? []), [trainJobs.data]);
  const modelName = (id: string) => models.data?.models.find((m) => m.id === id)?.name ?? id;
  const chosenAdapters = adapters.filter((a) => adapterKeys.includes(a.key));
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
          {adapters.length === 0 && !trainJobs.isPending ? (
            <p className="text-sm text-fg-muted">No fine-tune has left an adapter or a checkpoint yet.</p>
          ) : (
            <ul aria-label="Adapters and checkpoints" className="flex max-h-72 flex-col overflow-y-auto">
              {adapters.map((a) => (
                <Check
                  key={a.key}
                  checked={adapterKeys.includes(a.key)}
                  onChange={(on) => setAdapterKeys((l) => toggle(l, a.key, on))}
                  hint={`On ${modelName(a.modelId)}${a.kind === 'checkpoint' ? ' · a checkpoint saved during training' : ' · the final adapter'}`}
                >
                  {a.label}
                </Check>
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
