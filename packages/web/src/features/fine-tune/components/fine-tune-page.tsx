import { checkCustomTemplate, promptTemplateQuery, trainJobConfigSchema, type BaseModel, type Dataset } from '@qlora-studio/contracts';
import { Check } from 'lucide-react';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { actionToastMs } from '../../../lib/toast-timing';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { Skeleton } from '../../../components/ui/skeleton';
import { cn } from '../../../lib/cn';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useDatasetReport } from '../api/get-dataset-report';
import { useDatasets } from '../../../lib/datasets/list-datasets';
import { useModels } from '../api/list-models';
import { configToDraft, emptyDraft, validateDraft, type Draft } from '../config-draft';
import { readKeptDraft, writeKeptDraft } from '../kept-draft';
import { stepsDone, trainBlocker } from '../readiness';
import { smartDefaults, type SmartDefaults } from '../smart-defaults';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { DatasetPicker } from './dataset-step';
import { DatasetReportView } from './dataset-report';
import { ModelStep } from './model-step';
import { ParamsStep } from './params-step';
import { PromptTemplatePicker, suggestedPromptTemplate } from './prompt-template-picker';
import { RecordsPreview } from './records-preview';
import { ReparseForm } from './reparse-form';
import { ReviewStep } from './review-step';

const steps = [
  { id: 'model', title: 'Model', description: 'The base model to adapt.' },
  { id: 'dataset', title: 'Dataset', description: 'Upload or pick the training data and check what the model will learn.' },
  { id: 'params', title: 'Method & parameters', description: 'Proposed from the model and data sizes; every setting explains itself.' },
  { id: 'review', title: 'Review & launch', description: 'The whole run at a glance, how long it may take, and Launch.' },
] as const;
type StepId = (typeof steps)[number]['id'];

function StepCard({ id, index, children, onActive }: { id: StepId; index: number; children: ReactNode; onActive: () => void }) {
  const step = steps[index]!;
  return (
    <Card id={`step-${id}`} aria-labelledby={`step-${id}-title`} className="scroll-mt-24" onFocusCapture={onActive} onPointerDownCapture={onActive}>
      <CardHeader>
        <div>
          <CardTitle id={`step-${id}-title`} tabIndex={-1} className="outline-none">
            <span className="text-fg-muted">{index + 1}.</span> {step.title}
          </CardTitle>
          <CardDescription>{step.description}</CardDescription>
        </div>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

const settingOfDefault: Record<keyof SmartDefaults, keyof Draft> = {
  loraR: 'loraR',
  loraAlpha: 'loraAlpha',
  epochs: 'epochs',
  learningRate: 'learningRate',
  seqLen: 'seqLen',
  batchSize: 'batchSize',
  gradAccum: 'gradAccum',
  warmupSteps: 'warmupSteps',
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export default function FineTunePage() {
  const models = useModels();
  const datasets = useDatasets();
  // The form as this tab left it (another page, a reload), with the settings typed into it.
  const [kept] = useState(readKeptDraft);
  const [draft, setDraft] = useState<Draft>(kept?.draft ?? emptyDraft);
  const [active, setActive] = useState<StepId>('model');
  /** Settings the user typed: smart defaults leave them alone. */
  const touched = useRef(new Set<keyof Draft>(kept?.touched));
  useEffect(() => {
    writeKeptDraft(sameJson(draft, emptyDraft) ? null : { draft, touched: [...touched.current] });
  }, [draft]);
  const startOver = () => {
    touched.current.clear();
    setDraft(emptyDraft);
  };

  const model: BaseModel | null = models.data?.models.find((m) => m.id === draft.modelId) ?? null;
  const dataset: Dataset | null = datasets.data?.datasets.find((d) => d.id === draft.datasetId) ?? null;
  const maxSeqLen = model?.maxPositionEmbeddings;
  const validated = useMemo(() => validateDraft(draft, { maxSeqLen }), [draft, maxSeqLen]);

  // The report follows the chosen model and a valid sequence length (the last good one while typing).
  const seqLenNumber = Number(draft.seqLen);
  const [reportSeqLen, setReportSeqLen] = useState(512);
  useEffect(() => {
    if (Number.isInteger(seqLenNumber) && seqLenNumber >= 8 && seqLenNumber <= 131072) {
      const t = setTimeout(() => setReportSeqLen(seqLenNumber), 400);
      return () => clearTimeout(t);
    }
  }, [seqLenNumber]);
  // The masking preview follows the prompt template (a custom one once it can be used, and not on every key).
  const customTemplate = useDebouncedValue(draft.customTemplate, 400);
  const reportTemplate =
    draft.promptTemplate === '' || (draft.promptTemplate === 'custom' && !checkCustomTemplate(customTemplate).ok)
      ? {}
      : promptTemplateQuery(draft.promptTemplate === 'custom' ? { id: 'custom', template: customTemplate } : { id: draft.promptTemplate });
  const report = useDatasetReport(dataset?.id ?? null, {
    version: dataset?.latest.version,
    modelId: model?.id,
    seqLen: reportSeqLen,
    trainOn: draft.trainOn,
    samples: 3,
    ...reportTemplate,
  });
  const tokenP99 = report.data?.tokens?.p99 ?? null;
  // The report with the chosen model says whether anything would train at all (never a previous dataset's, kept on screen while the next loads).
  const currentReport = report.isPlaceholderData ? null : report.data;
  const blocker = trainBlocker(currentReport, { seqLen: seqLenNumber, modelMax: maxSeqLen, modelName: model?.name });

  const defaults = useMemo(
    () =>
      model && dataset
        ? smartDefaults({
            method: draft.method,
            parameters: model.parameters,
            maxPositionEmbeddings: model.maxPositionEmbeddings,
            records: dataset.latest.valid,
            tokenP99,
          })
        : null,
    [model, dataset, draft.method, tokenP99],
  );

  const apply = (d: SmartDefaults, force: boolean) =>
    setDraft((current) => {
      const next = { ...current };
      for (const [k, field] of Object.entries(settingOfDefault) as [keyof SmartDefaults, keyof Draft][]) {
        if (force || !touched.current.has(field)) (next as Record<string, unknown>)[field] = String(d[k]);
      }
      return next;
    });

  // A base model needs a prompt template for chat-like data: propose one by the layout (a choice the user made stays).
  const chatLike = !!dataset?.latest.format && dataset.latest.format !== 'text';
  useEffect(() => {
    if (!model || !chatLike || touched.current.has('promptTemplate')) return;
    setDraft((d) => ({ ...d, promptTemplate: model.hasChatTemplate ? '' : suggestedPromptTemplate(dataset.latest.format) }));
  }, [model?.id, model?.hasChatTemplate, dataset?.id, dataset?.latest.format, chatLike]); // eslint-disable-line react-hooks/exhaustive-deps -- keyed by what the proposal depends on

  // Propose settings whenever the model, the dataset or its lengths change (typed values stay).
  useEffect(() => {
    if (defaults) apply(defaults, false);
  }, [defaults]);

  const onChange = (patch: Partial<Draft>) => {
    for (const k of Object.keys(patch) as (keyof Draft)[]) touched.current.add(k);
    setDraft((d) => ({ ...d, ...patch }));
  };

  // Duplicate from a job's page: its settings arrive as router state, load like a YAML import.
  const location = useLocation();
  const navigate = useNavigate();
  const duplicate = (location.state as { duplicateConfig?: unknown; duplicateOf?: string } | null) ?? null;
  useEffect(() => {
    if (!duplicate?.duplicateConfig) return;
    const parsed = trainJobConfigSchema.safeParse(duplicate.duplicateConfig);
    if (parsed.success) {
      onChange(configToDraft(parsed.data));
      toast.success(`Loaded the settings of job ${duplicate.duplicateOf ?? ''}`.trim(), { description: 'Change what you like, then launch.' });
    } else toast.error('The settings of that job could not be loaded', { description: 'They do not fit this version of the form; start from the defaults.' });
    // Once only: a reload or Back does not load them again.
    void navigate(location.pathname, { replace: true, state: null });
  }, [duplicate]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    // Not when a job's settings are being duplicated in: they replace the form anyway.
    if (kept && !duplicate?.duplicateConfig && (kept.touched.length > 0 || kept.draft.datasetId)) {
      toast.info('Your unfinished fine-tune settings are back', { duration: actionToastMs, action: { label: 'Start over', onClick: startOver } });
    }
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once, for what was restored on mount

  const goTo = (id: StepId) => {
    setActive(id);
    const heading = document.getElementById(`step-${id}-title`);
    heading?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    heading?.focus({ preventScroll: true });
  };

  // A link to a step (`/fine-tune#step-dataset`, as the Dashboard's Upload action gives) opens there.
  useEffect(() => {
    const id = /^#step-(\w+)$/.exec(location.hash)?.[1];
    const step = steps.find((s) => s.id === id);
    if (step) goTo(step.id);
  }, [location.hash]);

  const done: Record<StepId, boolean> = stepsDone({
    hasModel: !!model,
    version: dataset?.latest ?? null,
    report: currentReport,
    errors: validated.errors,
    blocker,
  });

  const defaultsNote = defaults
    ? `Smart defaults for ${model?.name} and ${dataset?.latest.valid} records${tokenP99 ? ` (99% of records ≤ ${tokenP99} tokens)` : ''}: r ${defaults.loraR}, ${defaults.epochs} epochs, sequence length ${defaults.seqLen}, batch ${defaults.batchSize} × ${defaults.gradAccum}. Values you typed are kept.`
    : 'Choose a model and a dataset to get settings proposed from their sizes.';

  return (
    <>
      <PageHeader title="Fine-tune" description="Adapt a base model to your data with QLoRA or LoRA, in four steps. Nothing runs until you launch." />
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[14rem_minmax(0,1fr)]">
        <nav aria-label="Fine-tune steps" className="min-w-0 lg:sticky lg:top-24">
          <ol className="relative flex gap-1 overflow-x-auto lg:flex-col">
            {steps.map((s, i) => (
              <li key={s.id}>
                <button
                  type="button"
                  aria-current={active === s.id ? 'step' : undefined}
                  onClick={() => goTo(s.id)}
                  className={cn(
                    'flex min-h-11 w-full items-center gap-3 rounded-lg px-3 text-left text-sm font-medium whitespace-nowrap text-fg-muted hover:bg-surface-muted hover:text-fg',
                    active === s.id && 'bg-primary-soft text-fg hc:outline hc:outline-2 hc:outline-primary',
                  )}
                >
                  <span
                    className={cn(
                      'grid size-7 shrink-0 place-items-center rounded-full border text-xs font-semibold',
                      done[s.id] ? 'border-success bg-success text-white' : 'border-line-strong',
                    )}
                    aria-hidden
                  >
                    {done[s.id] ? <Check className="size-4" /> : i + 1}
                  </span>
                  {s.title}
                  {done[s.id] && <span className="sr-only"> (done)</span>}
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <div className="flex min-w-0 flex-col gap-6">
          <StepCard id="model" index={0} onActive={() => setActive('model')}>
            <ModelStep
              modelId={draft.modelId}
              onSelect={(m) => {
                setDraft((d) => ({ ...d, modelId: m.id }));
              }}
            />
          </StepCard>
          <StepCard id="dataset" index={1} onActive={() => setActive('dataset')}>
            <div className="flex flex-col gap-6">
              <DatasetPicker
                datasetId={draft.datasetId}
                onSelect={(d) => setDraft((cur) => ({ ...cur, datasetId: d?.id ?? '' }))}
                report={currentReport}
                modelName={model?.name ?? null}
              />
              {dataset && (
                <section aria-labelledby="report-title" className="flex flex-col gap-4">
                  <h3 id="report-title" className="text-base font-semibold">
                    Validation report: {dataset.name} v{dataset.latest.version}
                  </h3>
                  {chatLike && (
                    <PromptTemplatePicker
                      draft={draft}
                      onChange={onChange}
                      model={model}
                      format={dataset.latest.format}
                      mapping={report.data?.mapping ?? {}}
                      error={validated.errors.customTemplate}
                    />
                  )}
                  {report.isPending ? (
                    <Skeleton className="h-40" />
                  ) : report.isError ? (
                    <ApiErrorAlert title="The report could not be made" error={report.error} onRetry={() => void report.refetch()} />
                  ) : (
                    <div aria-busy={report.isFetching || undefined}>
                      <DatasetReportView report={report.data} hasModel={!!model} modelMaxSeqLen={maxSeqLen} />
                    </div>
                  )}
                  <details className="rounded-xl border border-line">
                    <summary className="flex min-h-11 cursor-pointer items-center px-4 font-medium">Records preview</summary>
                    <div className="border-t border-line p-4">
                      <RecordsPreview key={`${dataset.id}-${dataset.latest.version}`} datasetId={dataset.id} version={dataset.latest.version} />
                    </div>
                  </details>
                  <details className="rounded-xl border border-line">
                    <summary className="flex min-h-11 cursor-pointer items-center px-4 font-medium">Format and columns</summary>
                    <div className="border-t border-line p-4">
                      <ReparseForm
                        key={`${dataset.id}-${dataset.latest.version}`}
                        dataset={dataset}
                        columns={report.data?.columns ?? []}
                        detected={report.data?.mapping}
                      />
                    </div>
                  </details>
                </section>
              )}
            </div>
          </StepCard>
          <StepCard id="params" index={2} onActive={() => setActive('params')}>
            <ParamsStep
              draft={draft}
              errors={validated.errors}
              onChange={onChange}
              datasets={datasets.data?.datasets ?? []}
              onApplyDefaults={defaults ? () => apply(defaults, true) : null}
              defaultsNote={defaultsNote}
            />
          </StepCard>
          <StepCard id="review" index={3} onActive={() => setActive('review')}>
            <ReviewStep
              draft={draft}
              validated={validated}
              model={model}
              dataset={dataset}
              blocker={blocker}
              onLoad={(patch) => onChange(patch)}
              onLaunched={() => writeKeptDraft(null)}
            />
          </StepCard>
        </div>
      </div>
    </>
  );
}
