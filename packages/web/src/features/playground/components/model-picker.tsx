import {
  promptTemplateIds,
  promptTemplateInfo,
  promptTemplateLabel,
  type BaseModel,
  type ModelChoice,
  type PlaygroundAdapter,
  type PlaygroundCatalogue,
  type PromptTemplate,
} from '@qlora-studio/contracts';
import { X } from 'lucide-react';
import { useId, type Ref } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { selectClass } from '../../../components/ui/input';
import { formatBytes, formatParameters } from '../../../lib/format';

/** The prompt templates a pane can choose by name (a custom one comes only with the adapter trained with it). */
const namedTemplates = promptTemplateIds.filter((t) => t !== 'model' && t !== 'custom');

export interface PaneModelFieldsProps {
  index: number;
  choice: ModelChoice;
  catalogue: PlaygroundCatalogue;
  onChange: (choice: ModelChoice) => void;
  /** Absent when this is the only pane. */
  onRemove?: () => void;
  /** On the Remove button: where focus goes when the pane (and its button) is removed. */
  removeRef?: Ref<HTMLButtonElement>;
  readOnly?: boolean;
  /** The only pane: lay the fields out side by side. */
  wide?: boolean;
}

/**
 * One select for how weights run: NF4 with fast kernels (int8, the default), NF4 with the exact
 * bitsandbytes math (what other QLoRA tools compute), or full precision.
 */
function weightsValue(choice: ModelChoice): string {
  return choice.quant === 'none' ? 'none' : `nf4-${choice.kernels ?? 'fast'}`;
}

function weightsChoice(value: string): Pick<ModelChoice, 'quant' | 'kernels'> {
  return value === 'none' ? { quant: 'none', kernels: 'fast' } : { quant: 'nf4', kernels: value === 'nf4-exact' ? 'exact' : 'fast' };
}

function ModelFacts({ model, adapter, choice }: { model: BaseModel; adapter: PlaygroundAdapter | null; choice: ModelChoice }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
      <dt className="text-fg-muted">Architecture</dt>
      <dd>{model.architecture}</dd>
      <dt className="text-fg-muted">Size</dt>
      <dd>
        {formatParameters(model.parameters)} parameters, {formatBytes(model.sizeBytes)}
      </dd>
      <dt className="text-fg-muted">Weights</dt>
      <dd>
        {choice.quant === 'none'
          ? 'Full precision'
          : `4-bit NF4 (as QLoRA trains), ${choice.kernels === 'exact' ? 'exact bitsandbytes math' : 'fast int8 kernels'}`}
      </dd>
      <dt className="text-fg-muted">Chat template</dt>
      <dd>
        {adapter?.promptTemplate
          ? `Fine-tuned with the ${promptTemplateLabel(adapter.promptTemplate)} prompt template (Chat mode uses it)`
          : model.hasChatTemplate
            ? 'Yes'
            : 'No (use Text mode, or choose a chat prompt template)'}
      </dd>
      {adapter && (
        <>
          <dt className="text-fg-muted">Adapter</dt>
          <dd>
            {adapter.method.toUpperCase()}, rank {adapter.r}, alpha {adapter.alpha}
            {adapter.finalLoss !== null && `, final loss ${adapter.finalLoss.toFixed(3)}`}
          </dd>
          <dt className="text-fg-muted">Dataset</dt>
          <dd>
            {adapter.dataset.name}
            {adapter.dataset.version !== null && ` (version ${adapter.dataset.version})`}
          </dd>
          <dt className="text-fg-muted">Job</dt>
          <dd>
            <Link to={`/activity/jobs/${encodeURIComponent(adapter.id)}`} className="text-primary-text underline underline-offset-2">
              {adapter.title}
            </Link>
          </dd>
        </>
      )}
    </dl>
  );
}

/** One pane's model: base model, optional adapter trained on it, and how its weights load. */
export function PaneModelFields({ index, choice, catalogue, onChange, onRemove, removeRef, readOnly, wide }: PaneModelFieldsProps) {
  const id = useId();
  const n = index + 1;
  const model = catalogue.models.find((m) => m.id === choice.modelId) ?? null;
  const adapters = catalogue.adapters.filter((a) => a.baseModelId === choice.modelId);
  const adapter = catalogue.adapters.find((a) => a.id === choice.adapterId) ?? null;
  const label = (text: string) => (
    <>
      {text}
      <span className="sr-only"> for pane {n}</span>
    </>
  );

  return (
    <fieldset className="flex min-w-0 flex-col gap-3 rounded-xl border border-line p-4 hc:border-line-strong">
      <legend className="px-1 text-sm font-semibold">Pane {n}</legend>
      <div className="flex items-end gap-2">
        <div className="flex min-w-0 flex-1 flex-col gap-1.5">
          <label htmlFor={`${id}-model`} className="text-sm font-medium">
            {label('Model')}
          </label>
          <select
            id={`${id}-model`}
            className={selectClass}
            value={choice.modelId}
            disabled={readOnly}
            onChange={(e) => onChange({ ...choice, modelId: e.target.value, adapterId: null, promptTemplate: null })}
          >
            <option value="">Choose a model…</option>
            {catalogue.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.architecture}, {formatParameters(m.parameters)})
              </option>
            ))}
          </select>
        </div>
        {onRemove && !readOnly && (
          <Button ref={removeRef} variant="ghost" size="icon" aria-label={`Remove model from pane ${n}`} title="Remove model" onClick={onRemove}>
            <X aria-hidden />
          </Button>
        )}
      </div>
      <div className={wide ? 'grid gap-3 sm:grid-cols-2' : 'grid gap-3'}>
        <div className="flex min-w-0 flex-col gap-1.5">
          <label htmlFor={`${id}-adapter`} className="text-sm font-medium">
            {label('Adapter')}
          </label>
          <select
            id={`${id}-adapter`}
            className={selectClass}
            value={choice.adapterId ?? ''}
            disabled={readOnly || !model}
            onChange={(e) => onChange({ ...choice, adapterId: e.target.value || null, promptTemplate: null })}
          >
            <option value="">{adapters.length ? 'None (base model only)' : 'None trained on this model yet'}</option>
            {adapters.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
              </option>
            ))}
          </select>
        </div>
        <div className="flex min-w-0 flex-col gap-1.5">
          <label htmlFor={`${id}-quant`} className="text-sm font-medium">
            {label('Quantization')}
          </label>
          <select
            id={`${id}-quant`}
            className={selectClass}
            value={weightsValue(choice)}
            disabled={readOnly}
            onChange={(e) => onChange({ ...choice, ...weightsChoice(e.target.value) })}
          >
            <option value="nf4-fast">4-bit NF4, fast kernels (less memory)</option>
            <option value="nf4-exact">4-bit NF4, exact bitsandbytes math (slower)</option>
            <option value="none">None (full precision)</option>
          </select>
        </div>
        {model && (
          <div className="flex min-w-0 flex-col gap-1.5">
            <label htmlFor={`${id}-template`} className="text-sm font-medium">
              {label('Chat prompt')}
            </label>
            <select
              id={`${id}-template`}
              className={selectClass}
              value={choice.promptTemplate?.id ?? ''}
              disabled={readOnly}
              aria-describedby={`${id}-template-help`}
              onChange={(e) => onChange({ ...choice, promptTemplate: e.target.value ? ({ id: e.target.value } as PromptTemplate) : null })}
            >
              <option value="">
                {adapter?.promptTemplate
                  ? `As fine-tuned: ${promptTemplateLabel(adapter.promptTemplate)}`
                  : model.hasChatTemplate
                    ? "The model's chat template"
                    : 'None: Text mode only'}
              </option>
              {namedTemplates.map((t) => (
                <option key={t} value={t}>
                  {promptTemplateInfo[t].label}
                </option>
              ))}
            </select>
            <p id={`${id}-template-help`} className="text-xs text-fg-muted">
              How Chat mode writes the conversation for this model. Compare a base model with its fine-tune by giving both the template it was trained with.
            </p>
          </div>
        )}
      </div>
      {model ? (
        <>
          {model.source === 'demo' && (
            <p>
              <Badge tone="warning">Demo: random weights</Badge>
            </p>
          )}
          <ModelFacts model={model} adapter={adapter} choice={choice} />
        </>
      ) : choice.modelId ? (
        <p className="text-sm text-danger-text">This model is no longer registered. Choose another one.</p>
      ) : null}
    </fieldset>
  );
}
