import type { Dataset } from '@qlora-studio/contracts';
import { ChevronDown, Search, Wand2 } from 'lucide-react';
import { Collapsible, Tabs } from 'radix-ui';
import { useId, useState, type ReactNode } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Input, selectClass } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { Switch } from '../../../components/ui/switch';
import { TabTrigger } from '../../../components/ui/tab-trigger';
import { cn } from '../../../lib/cn';
import type { Draft, FieldErrors } from '../config-draft';
import { datasetLabel } from '../dataset-names';
import { settingsHelp, settingTabLabels, type SettingHelp, type SettingKey, type SettingTab } from '../settings-help';
import { isShown, searchShownSettings, searchSummary } from '../settings-search';
import { HelpTip } from './help-tip';

type Control =
  | { type: 'number'; step?: string; min?: number; max?: number; placeholder?: string; unit?: string }
  | { type: 'text'; placeholder?: string }
  | { type: 'choice'; options: { value: string; label: string }[] }
  | { type: 'select'; options: { value: string; label: string }[] }
  | { type: 'switch'; on: string }
  | { type: 'dataset' };

const controls: Record<SettingKey, Control> = {
  method: {
    type: 'choice',
    options: [
      { value: 'qlora', label: 'QLoRA (4-bit base)' },
      { value: 'lora', label: 'LoRA (fp32 base)' },
    ],
  },
  stopBy: {
    type: 'choice',
    options: [
      { value: 'epochs', label: 'Epochs' },
      { value: 'steps', label: 'Max steps' },
    ],
  },
  epochs: { type: 'number', min: 1, max: 1000, step: '1' },
  maxSteps: { type: 'number', min: 1, step: '1' },
  learningRate: { type: 'number', step: 'any', min: 0, placeholder: '0.0002' },
  batchSize: { type: 'number', min: 1, max: 256, step: '1' },
  seqLen: { type: 'number', min: 8, max: 131072, step: '64', unit: 'tokens' },
  loraR: { type: 'number', min: 1, max: 512, step: '1' },
  loraAlpha: { type: 'number', min: 0, step: 'any' },
  loraDropout: { type: 'number', min: 0, max: 0.99, step: '0.01' },
  targetModules: { type: 'text', placeholder: 'all-linear or q_proj,v_proj' },
  useRslora: { type: 'switch', on: 'Scale by alpha / √r' },
  optimizer: {
    type: 'select',
    options: [
      { value: 'adamw', label: 'AdamW' },
      { value: 'sgd', label: 'SGD' },
    ],
  },
  weightDecay: { type: 'number', min: 0, max: 1, step: '0.01' },
  scheduler: {
    type: 'select',
    options: [
      { value: 'linear', label: 'Linear decay' },
      { value: 'cosine', label: 'Cosine' },
      { value: 'constant', label: 'Constant' },
    ],
  },
  warmupSteps: { type: 'number', min: 0, step: '1', unit: 'steps' },
  maxGradNorm: { type: 'number', min: 0, step: '0.1' },
  gradAccum: { type: 'number', min: 1, max: 1024, step: '1' },
  validation: {
    type: 'choice',
    options: [
      { value: 'none', label: 'None' },
      { value: 'split', label: 'Split off' },
      { value: 'dataset', label: 'Another dataset' },
    ],
  },
  valRatio: { type: 'number', min: 0.01, max: 0.5, step: '0.01' },
  valSeed: { type: 'number', min: 0, step: '1' },
  valDatasetId: { type: 'dataset' },
  trainOn: {
    type: 'choice',
    options: [
      { value: 'completions', label: 'Completions only' },
      { value: 'all', label: 'All tokens' },
    ],
  },
  packing: { type: 'switch', on: 'Pack short records together' },
  seed: { type: 'number', min: 0, step: '1' },
  evalEvery: { type: 'number', min: 1, step: '1', unit: 'steps', placeholder: 'Only at the end' },
  checkpointEvery: { type: 'number', min: 1, step: '1', unit: 'steps', placeholder: 'Only at the end' },
  earlyStoppingPatience: { type: 'number', min: 1, step: '1', placeholder: 'Off' },
};

export interface SettingsFormProps {
  draft: Draft;
  errors: FieldErrors;
  onChange: (patch: Partial<Draft>) => void;
  datasets: Dataset[];
}

/** One setting: label, help tip, control, and its error tied to the control. */
function SettingField({ setting, draft, errors, onChange, datasets, showTab }: SettingsFormProps & { setting: SettingKey; showTab?: boolean }) {
  const id = useId();
  const h: SettingHelp = settingsHelp[setting];
  const c = controls[setting];
  const error = errors[setting];
  const errorId = `${id}-error`;
  const value = draft[setting];
  const set = (v: string | boolean) => onChange({ [setting]: v } as Partial<Draft>);
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined };

  let control: ReactNode;
  switch (c.type) {
    case 'number':
    case 'text':
      control = (
        <div className="flex items-center gap-2">
          <Input
            {...common}
            type="text"
            inputMode={c.type === 'number' ? 'decimal' : undefined}
            value={String(value)}
            placeholder={c.placeholder}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set(e.target.value)}
          />
          {c.type === 'number' && c.unit && <span className="text-sm text-fg-muted">{c.unit}</span>}
        </div>
      );
      break;
    case 'select':
    case 'dataset': {
      const options =
        c.type === 'select'
          ? c.options
          : [
              { value: '', label: 'Choose a dataset…' },
              ...datasets.filter((d) => d.id !== draft.datasetId).map((d) => ({ value: d.id, label: datasetLabel(d, datasets) })),
            ];
      control = (
        <select {...common} className={selectClass} value={String(value)} onChange={(e) => set(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'choice':
      control = (
        <Segmented aria-labelledby={`${id}-label`} aria-describedby={common['aria-describedby']} value={String(value)} onValueChange={(v) => set(v)}>
          {c.options.map((o) => (
            <SegmentedItem key={o.value} value={o.value}>
              {o.label}
            </SegmentedItem>
          ))}
        </Segmented>
      );
      break;
    case 'switch':
      control = (
        <div className="flex min-h-11 items-center gap-3">
          <Switch {...common} checked={value === true} onCheckedChange={(v) => set(v)} />
          <span className="text-sm text-fg-muted" aria-hidden>
            {c.on}
          </span>
        </div>
      );
      break;
  }

  return (
    <div className="flex flex-col gap-1.5" data-setting={setting}>
      <div className="flex items-center gap-1">
        {c.type === 'choice' ? (
          <span id={`${id}-label`} className="text-sm font-medium">
            {h.label}
          </span>
        ) : (
          <label htmlFor={id} id={`${id}-label`} className="text-sm font-medium">
            {h.label}
          </label>
        )}
        <HelpTip setting={setting} />
        {showTab && <Badge className="ml-auto">{settingTabLabels[h.tab]}</Badge>}
      </div>
      {control}
      {error && (
        <p id={errorId} className="text-sm font-medium text-danger-text">
          {error}
        </p>
      )}
    </div>
  );
}

const tabKeys = (tab: SettingTab) => (Object.keys(settingsHelp) as SettingKey[]).filter((k) => (settingsHelp[k] as SettingHelp).tab === tab);

function FieldGrid({ keys, showTab, ...props }: SettingsFormProps & { keys: SettingKey[]; showTab?: boolean }) {
  return (
    <div className="grid gap-x-6 gap-y-5 md:grid-cols-2">
      {keys
        .filter((k) => isShown(k, props.draft))
        .map((k) => (
          <SettingField key={k} setting={k} showTab={showTab} {...props} />
        ))}
    </div>
  );
}

const mainTabs: SettingTab[] = ['basics', 'lora', 'optimization', 'data'];

/** Step 3: tabs of settings, the advanced ones folded away, and a search across all of them. */
export function ParamsStep({ onApplyDefaults, defaultsNote, ...props }: SettingsFormProps & { onApplyDefaults: (() => void) | null; defaultsNote: string }) {
  const [tab, setTab] = useState<SettingTab>('basics');
  const [query, setQuery] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const searchId = useId();
  const found = searchShownSettings(query, props.draft);
  const tabErrors = (t: SettingTab) => tabKeys(t).filter((k) => props.errors[k] && isShown(k, props.draft)).length;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex min-w-64 flex-1 flex-col gap-1.5">
          <label htmlFor={searchId} className="text-sm font-medium">
            Search settings
          </label>
          <div className="relative">
            <Search className="pointer-events-none absolute top-3 left-3 size-5 text-fg-muted" aria-hidden />
            <Input
              id={searchId}
              type="search"
              className="pl-10"
              placeholder="e.g. overfitting, memory, warmup"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
        </div>
        <Button variant="secondary" onClick={onApplyDefaults ?? undefined} disabled={!onApplyDefaults} title={defaultsNote}>
          <Wand2 aria-hidden />
          Apply smart defaults
        </Button>
      </div>
      <p className="text-sm text-fg-muted">{defaultsNote}</p>
      {query.trim() ? (
        <section aria-label="Matching settings" className="flex flex-col gap-3">
          <p className="text-sm text-fg-muted" aria-live="polite">
            {searchSummary(query, found)}
          </p>
          <FieldGrid keys={found.shown} showTab {...props} />
        </section>
      ) : (
        <>
          <Tabs.Root value={tab} onValueChange={(v) => setTab(v as SettingTab)}>
            <Tabs.List aria-label="Setting groups" className="flex flex-wrap gap-1 border-b border-line">
              {mainTabs.map((t) => (
                <TabTrigger key={t} value={t}>
                  {settingTabLabels[t]}
                  {tabErrors(t) > 0 && (
                    <Badge tone="danger">
                      {tabErrors(t)}
                      <span className="sr-only"> {tabErrors(t) === 1 ? 'error' : 'errors'}</span>
                    </Badge>
                  )}
                </TabTrigger>
              ))}
            </Tabs.List>
            {mainTabs.map((t) => (
              <Tabs.Content key={t} value={t} className="pt-5">
                <FieldGrid keys={tabKeys(t)} {...props} />
              </Tabs.Content>
            ))}
          </Tabs.Root>
          <Collapsible.Root open={advancedOpen || tabErrors('advanced') > 0} onOpenChange={setAdvancedOpen} className="rounded-xl border border-line">
            <Collapsible.Trigger className="flex min-h-11 w-full items-center justify-between gap-3 rounded-xl px-4 py-2 text-left font-medium hover:bg-surface-muted">
              <span>
                Advanced settings
                <span className="ml-2 text-sm font-normal text-fg-muted">seed, evaluation, checkpoints, early stopping</span>
              </span>
              <ChevronDown className={cn('size-5 transition-transform', (advancedOpen || tabErrors('advanced') > 0) && 'rotate-180')} aria-hidden />
            </Collapsible.Trigger>
            <Collapsible.Content className="border-t border-line p-4">
              <FieldGrid keys={tabKeys('advanced')} {...props} />
            </Collapsible.Content>
          </Collapsible.Root>
        </>
      )}
    </div>
  );
}
