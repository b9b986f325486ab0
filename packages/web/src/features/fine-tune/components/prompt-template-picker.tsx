import {
  checkCustomTemplate,
  datasetFormatLabels,
  promptTemplateIds,
  promptTemplateInfo,
  type BaseModel,
  type ColumnMapping,
  type DatasetFormat,
  type PromptTemplateId,
} from '@qlora-studio/contracts';
import { Alert } from '../../../components/ui/alert';
import { Field, selectClass } from '../../../components/ui/input';
import type { Draft } from '../config-draft';

/** The template proposed for a model without a chat template, by the data's layout. */
export function suggestedPromptTemplate(format: DatasetFormat | null): PromptTemplateId {
  return format === 'alpaca' ? 'alpaca' : format === 'messages' || format === 'sharegpt' ? 'chatml' : 'question-answer';
}

/** "Question → prompt, Answer → completion", or null when every column has the layout's own name. */
export function mappingText(mapping: ColumnMapping): string | null {
  const pairs = Object.entries(mapping).filter(([, column]) => column);
  return pairs.length === 0 ? null : pairs.map(([field, column]) => `${column} → ${field}`).join(', ');
}

/**
 * The dataset step's choice of how chat, instruction and question/answer records are written out
 * for the model: its own chat template, or a prompt template (required when it has none). The
 * masking preview below follows it; the adapter keeps it for the Playground and exports.
 */
export function PromptTemplatePicker({
  draft,
  onChange,
  model,
  format,
  mapping,
  error,
}: {
  draft: Pick<Draft, 'promptTemplate' | 'customTemplate'>;
  onChange: (patch: Partial<Pick<Draft, 'promptTemplate' | 'customTemplate'>>) => void;
  model: BaseModel | null;
  format: DatasetFormat | null;
  mapping: ColumnMapping;
  error?: string | undefined;
}) {
  const id = draft.promptTemplate === '' ? 'model' : draft.promptTemplate;
  const info = promptTemplateInfo[id];
  const needsOne = model !== null && !model.hasChatTemplate && id === 'model';
  const custom = id === 'custom' ? checkCustomTemplate(draft.customTemplate) : null;
  const mapped = mappingText(mapping);
  return (
    <section aria-labelledby="prompt-template-title" className="flex flex-col gap-3 rounded-xl border border-line p-4">
      <h4 id="prompt-template-title" className="font-semibold">
        How each record is written for the model
      </h4>
      {format && (
        <p className="text-sm text-fg-muted">
          Records are read as {datasetFormatLabels[format]}
          {mapped ? ` (${mapped})` : ''}.{' '}
          {model && !model.hasChatTemplate
            ? `${model.name} is a base model without a chat template, so a prompt template writes each question and answer out as text; only the answers train.`
            : 'They are written out with the model’s chat template unless you choose another format.'}
        </p>
      )}
      {needsOne && (
        <Alert tone="warning" role="alert" title={`Choose a prompt template for ${model.name}`}>
          It has no chat template of its own, so nothing in this dataset can train until one is chosen.
        </Alert>
      )}
      <Field label="Prompt template" description={info.description}>
        {(ids) => (
          <select
            {...ids}
            className={selectClass}
            value={id}
            onChange={(e) => onChange({ promptTemplate: e.target.value === 'model' ? '' : (e.target.value as PromptTemplateId) })}
          >
            {promptTemplateIds.map((t) => (
              <option key={t} value={t} disabled={t === 'model' && model !== null && !model.hasChatTemplate}>
                {promptTemplateInfo[t].label}
                {t === 'model' && model !== null && !model.hasChatTemplate ? ' (this model has none)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      {id === 'custom' ? (
        <Field
          label="Custom template"
          description="{prompt} is each question or instruction, {response} its answer (what trains), {system} an optional system message. The model learns to end its answer where the response ends."
          error={error ?? (custom && !custom.ok ? custom.message : undefined)}
        >
          {(ids) => (
            <textarea
              {...ids}
              rows={4}
              spellCheck={false}
              className="w-full rounded-lg border border-line-strong bg-surface p-3 font-mono text-sm text-fg aria-[invalid=true]:border-danger"
              value={draft.customTemplate}
              onChange={(e) => onChange({ customTemplate: e.target.value })}
            />
          )}
        </Field>
      ) : (
        info.shape && (
          <div className="text-sm">
            <p className="font-medium">Its shape</p>
            <pre className="mt-1 overflow-x-auto rounded-lg bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap">{info.shape}</pre>
          </div>
        )
      )}
      <p className="text-sm text-fg-muted">
        The masking preview below shows it on your first records. The adapter keeps it, so the Playground and exports prompt the fine-tune the way it was
        trained.
      </p>
    </section>
  );
}
