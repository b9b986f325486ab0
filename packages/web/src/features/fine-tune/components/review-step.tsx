import { plainIssues, promptTemplateLabel, trainJobConfigSchema, type BaseModel, type Dataset, type TrainJobConfig } from '@qlora-studio/contracts';
import { Copy, Download, FileUp, Rocket, Save, Trash2 } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Field, Input } from '../../../components/ui/input';
import { formatParameters } from '../../../lib/format';
import { useCreateJob } from '../../../lib/jobs/api/create-job';
import { jobPath } from '../../../components/jobs/job-row';
import { PermissionButton } from '../../../components/system/permission-button';
import { cliCommand, configToDraft, type Draft, type Validated } from '../config-draft';
import { useTrainingEstimate } from '../api/estimate-training';
import { chosenJobName, defaultJobName } from '../job-name';
import { deletePreset, loadPresets, savePreset } from '../presets';
import { settingsHelp, type SettingKey } from '../settings-help';
import { unusualSettings } from '../unusual-settings';
import { parseYaml, toYaml } from '../yaml';
import { EstimateSection } from './estimate-section';
import { HiddenFileInput } from './upload-zone';

function Summary({ config, model, dataset }: { config: TrainJobConfig; model: BaseModel; dataset: Dataset }) {
  const rows: [string, string][] = [
    ['Base model', `${model.name} (${formatParameters(model.parameters)})`],
    ['Dataset', `${dataset.name} v${dataset.latest.version}: ${dataset.latest.valid} records`],
    ['Method', config.method === 'qlora' ? 'QLoRA' : 'LoRA'],
    ['Length', config.maxSteps !== undefined ? `${config.maxSteps} steps` : `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`],
    ['Learning rate', String(config.learningRate)],
    ['Effective batch', `${config.batchSize} × ${config.gradAccum} = ${config.batchSize * config.gradAccum}`],
    ['Sequence length', `${config.seqLen} tokens`],
    ['LoRA', `r ${config.lora.r}, alpha ${config.lora.alpha}, dropout ${config.lora.dropout}${config.lora.useRslora ? ', rsLoRA' : ''}`],
    [
      'Validation',
      config.validation.kind === 'split'
        ? `${Math.round(config.validation.ratio * 100)}% split`
        : config.validation.kind === 'dataset'
          ? 'another dataset'
          : 'none',
    ],
    ['Train on', config.trainOn === 'completions' ? 'completions' : 'all tokens'],
    ...(dataset.latest.format === 'text' ? [] : [['Prompt template', promptTemplateLabel(config.promptTemplate)] as [string, string]]),
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
      {rows.map(([k, v]) => (
        <div key={k} className="flex justify-between gap-3 border-b border-line py-1.5">
          <dt className="text-fg-muted">{k}</dt>
          <dd className="text-right font-medium">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Presets({ draft, onLoad }: { draft: Draft; onLoad: (patch: Partial<Draft>) => void }) {
  const [presets, setPresets] = useState(loadPresets);
  const [name, setName] = useState('');
  const nameId = useId();
  return (
    <div className="flex flex-col gap-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          setPresets(savePreset(name.trim(), draft));
          toast.success(`Saved preset “${name.trim()}”`);
          setName('');
        }}
      >
        <div className="flex min-w-48 flex-1 flex-col gap-1.5">
          <label htmlFor={nameId} className="text-sm font-medium">
            Preset name
          </label>
          <Input id={nameId} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. quick smoke test" autoComplete="off" />
        </div>
        <Button type="submit" variant="secondary" disabled={!name.trim()}>
          <Save aria-hidden />
          Save settings as preset
        </Button>
      </form>
      {Object.keys(presets).length > 0 && (
        <ul className="flex flex-col divide-y divide-line rounded-lg border border-line" aria-label="Saved presets">
          {Object.entries(presets).map(([n, p]) => (
            <li key={n} className="flex items-center justify-between gap-3 px-3 py-1">
              <span className="font-medium">{n}</span>
              <span className="flex gap-1">
                <Button variant="ghost" onClick={() => (onLoad(p), toast.success(`Loaded preset “${n}”`))}>
                  Load<span className="sr-only"> preset {n}</span>
                </Button>
                <Button variant="ghost" size="icon" aria-label={`Delete preset ${n}`} onClick={() => setPresets(deletePreset(n))}>
                  <Trash2 aria-hidden />
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** "Label: message", unless the message already starts with the label ("Learning rate must be…"). */
const withLabel = (label: string | undefined, message: string) => (!label || message.startsWith(label) ? message : `${label}: ${message}`);

/** Step 4: what will run, as YAML and as a command, how long and how much memory, and Launch. */
export function ReviewStep({
  draft,
  validated,
  model,
  dataset,
  blocker,
  onLoad,
  onLaunched,
}: {
  draft: Draft;
  validated: Validated;
  model: BaseModel | null;
  dataset: Dataset | null;
  /** Why the run would fail although every setting is valid (from the dataset report), or null. */
  blocker: string | null;
  onLoad: (patch: Partial<Draft>) => void;
  /** The job was created (the form is done with). */
  onLaunched: () => void;
}) {
  const navigate = useNavigate();
  const createJob = useCreateJob();
  const importInput = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<string | null>(null);
  /** The job name as typed; null: the default name, which follows the settings. */
  const [typedName, setTypedName] = useState<string | null>(null);

  const importFile = async (file: File) => {
    setImportError(null);
    try {
      const parsed = trainJobConfigSchema.safeParse(parseYaml(await file.text()));
      if (!parsed.success) {
        const first = plainIssues(parsed.error.issues.slice(0, 3), trainJobConfigSchema).map((i) => i.message);
        setImportError(`${file.name} is not a valid training config (${first.join('; ')}).`);
        return;
      }
      onLoad(configToDraft(parsed.data));
      toast.success(`Loaded settings from ${file.name}`, { description: 'Check the model and dataset: they are the ones named in the file.' });
    } catch (error) {
      setImportError(`${file.name} could not be read: ${(error as Error).message}`);
    }
  };

  const errorEntries = Object.entries(validated.errors) as [SettingKey | 'modelId' | 'datasetId', string][];
  const config = validated.ok ? validated.config : null;
  const unusual = config ? unusualSettings(config) : [];
  const estimate = useTrainingEstimate(config);
  const yaml = config ? toYaml(config) : '';

  const defaultName = config && model && dataset ? defaultJobName(config, model, dataset) : '';
  const jobName = chosenJobName(typedName, defaultName);

  const launch = () => {
    if (!config || blocker) return;
    if (jobName.error) return;
    createJob.mutate(
      { type: 'train', config, ...(jobName.title ? { title: jobName.title } : {}) },
      { onSuccess: (job) => (onLaunched(), navigate(jobPath(job.id))) },
    );
  };

  return (
    <div className="flex flex-col gap-6">
      {(errorEntries.length > 0 || blocker) && (
        <Alert tone="warning" title="Fix these before launching">
          <ul className="list-disc pl-5">
            {errorEntries.map(([k, msg]) => (
              <li key={k}>{withLabel(k === 'modelId' ? 'Base model' : k === 'datasetId' ? 'Dataset' : settingsHelp[k]?.label, msg)}</li>
            ))}
            {blocker && <li>Dataset: {blocker}</li>}
          </ul>
        </Alert>
      )}
      {config && model && dataset && <Summary config={config} model={model} dataset={dataset} />}
      {unusual.length > 0 && (
        <Alert tone="warning" title={unusual.length === 1 ? 'A setting is far outside the usual range' : 'Settings far outside the usual range'}>
          <ul className="list-disc pl-5">
            {unusual.map((w) => (
              <li key={w.setting}>{w.message}</li>
            ))}
          </ul>
          <p className="mt-1">You can still launch; change them in step 3 if this was not meant.</p>
        </Alert>
      )}
      {config && <EstimateSection estimate={estimate} />}
      <section aria-labelledby="yaml-title" className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h4 id="yaml-title" className="font-semibold">
            Config as YAML
          </h4>
          <span className="flex flex-wrap gap-2">
            <Button variant="secondary" disabled={!config} onClick={() => download('fine-tune.yaml', yaml)}>
              <Download aria-hidden />
              Export YAML
            </Button>
            <Button variant="secondary" onClick={() => importInput.current?.click()}>
              <FileUp aria-hidden />
              Import YAML
            </Button>
          </span>
        </div>
        <HiddenFileInput inputRef={importInput} accept=".yaml,.yml,.json" onFile={(file) => void importFile(file)} />
        {importError && (
          <Alert tone="danger" role="alert" title="The config could not be imported">
            {importError} Export a config from this page to see the expected shape.
          </Alert>
        )}
        {config ? (
          <pre
            className="max-h-72 overflow-auto rounded-lg border border-line bg-surface-muted p-3 font-mono text-sm"
            tabIndex={0}
            aria-label="Training config as YAML"
          >
            {yaml}
          </pre>
        ) : (
          <p className="text-sm text-fg-muted">The YAML appears once every setting is valid.</p>
        )}
      </section>
      {config && model && (
        <section aria-labelledby="cli-title" className="flex flex-col gap-2">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h4 id="cli-title" className="font-semibold">
              Same run from the command line
            </h4>
            <Button
              variant="secondary"
              onClick={() =>
                void navigator.clipboard?.writeText(cliCommand(config, model.path)).then(
                  () => toast.success('Command copied'),
                  () => toast.error('Copying is not allowed here; select the text instead.'),
                )
              }
            >
              <Copy aria-hidden />
              Copy command
            </Button>
          </div>
          <pre
            className="max-h-72 overflow-auto rounded-lg border border-line bg-surface-muted p-3 font-mono text-sm"
            tabIndex={0}
            aria-label="qlora train command"
          >
            {cliCommand(config, model.path)}
          </pre>
          <p className="text-sm text-fg-muted">Replace the --data placeholder with your dataset file; the app trains on its stored copy.</p>
        </section>
      )}
      <section aria-labelledby="presets-title" className="flex flex-col gap-2">
        <h4 id="presets-title" className="font-semibold">
          Presets
        </h4>
        <Presets draft={draft} onLoad={onLoad} />
      </section>
      <div className="flex flex-wrap items-end gap-3 border-t border-line pt-5">
        <Field
          className="min-w-64 flex-1"
          label="Job name"
          description="How Activity and the Playground list this run. Proposed from the model, dataset and method; an empty field keeps that name."
          error={jobName.error}
        >
          {(ids) => (
            <Input
              {...ids}
              value={typedName ?? defaultName}
              onChange={(e) => setTypedName(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              maxLength={200}
            />
          )}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <PermissionButton permission="jobs:launch" size="lg" disabled={!config || !!blocker || !!jobName.error} loading={createJob.isPending} onClick={launch}>
          <Rocket aria-hidden />
          Launch fine-tune
        </PermissionButton>
        {!config && <p className="text-sm text-fg-muted">Launch is available once a model, a dataset and valid settings are chosen.</p>}
      </div>
    </div>
  );
}
