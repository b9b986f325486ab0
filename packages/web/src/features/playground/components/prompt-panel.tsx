import { variableValue } from '@qlora-studio/contracts';
import { useId } from 'react';
import { Field } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import type { EditorDraft, PromptMode } from '../draft';
import { promptTemplates, type PromptTemplate } from '../templates';
import { PromptEditor } from '../editor/prompt-editor';
import { TemplateGallery } from '../editor/template-gallery';
import { ConversationTurns } from './conversation-turns';

const textareaClass =
  'w-full rounded-lg border border-line-strong bg-surface px-3 py-2 text-sm text-fg placeholder:text-fg-muted aria-[invalid=true]:border-danger read-only:bg-surface-muted';

export interface PromptPanelProps {
  draft: EditorDraft;
  onChange: (patch: Partial<EditorDraft>) => void;
  variables: string[];
  variableErrors: Record<string, string>;
  promptError: string | null;
  /** Chat: why the turns may not suit a chat template (shown whenever it applies; it does not stop a run). */
  conversationWarning: string | null;
  /** Show errors only once Run was tried. */
  showErrors: boolean;
  onRun: () => void;
  readOnly?: boolean;
}

/** Picking a template sets the mode, the text and the system prompt, and fills in its example values. */
function templatePatch(t: PromptTemplate, values: Record<string, string>): Partial<EditorDraft> {
  return { mode: t.mode, text: t.template, system: t.system ?? '', conversation: [], values: { ...values, ...t.sampleValues } };
}

/** One labelled field per `{{variable}}` the prompt uses. */
function VariablesForm({
  names,
  values,
  errors,
  showErrors,
  onChange,
  readOnly,
}: {
  names: string[];
  values: Record<string, string>;
  errors: Record<string, string>;
  showErrors: boolean;
  onChange: (values: Record<string, string>) => void;
  readOnly?: boolean;
}) {
  if (!names.length) {
    return (
      <p className="text-sm text-fg-muted">
        Write <code className="rounded bg-surface-muted px-1">{'{{name}}'}</code> in the prompt to add a variable; a field to fill it appears here.
      </p>
    );
  }
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {names.map((name) => (
        <Field key={name} label={name} description={`Replaces {{${name}}} in the prompt.`} error={showErrors ? errors[name] : null}>
          {(ids) => (
            <textarea
              {...ids}
              rows={2}
              value={variableValue(values, name) ?? ''}
              readOnly={readOnly}
              onChange={(e) => onChange({ ...values, [name]: e.target.value })}
              className={textareaClass}
            />
          )}
        </Field>
      ))}
    </div>
  );
}

/** The prompt: mode, templates, the editor (or chat turns), and the variables form. */
export function PromptPanel({ draft, onChange, variables, variableErrors, promptError, conversationWarning, showErrors, onRun, readOnly }: PromptPanelProps) {
  const id = useId();
  const chat = draft.mode === 'chat';
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const shownError = showErrors ? promptError : null;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-col gap-2">
          <span id={`${id}-mode`} className="text-sm font-medium">
            Prompt mode
          </span>
          <Segmented aria-labelledby={`${id}-mode`} value={draft.mode} disabled={readOnly} onValueChange={(mode) => onChange({ mode: mode as PromptMode })}>
            <SegmentedItem value="text">Text</SegmentedItem>
            <SegmentedItem value="chat">Chat</SegmentedItem>
          </Segmented>
        </div>
        <TemplateGallery templates={promptTemplates} onPick={(t) => onChange(templatePatch(t, draft.values))} disabled={readOnly} />
      </div>
      <p className="-mt-2 text-sm text-fg-muted">
        {chat
          ? 'Chat: the system prompt and the messages go through the model’s chat template. Continue with a reply, or add turns by hand for a few-shot conversation.'
          : 'Text: the prompt is sent as it is, like `qlora generate --prompt`.'}
      </p>

      {chat && (
        <Field label="System prompt" description="How the assistant should behave. May use {{variables}}.">
          {(ids) => (
            <textarea
              {...ids}
              rows={3}
              value={draft.system}
              readOnly={readOnly}
              onChange={(e) => onChange({ system: e.target.value })}
              className={textareaClass}
            />
          )}
        </Field>
      )}

      {chat && (
        <ConversationTurns
          conversation={draft.conversation}
          onChange={(conversation) => onChange({ conversation })}
          warning={conversationWarning}
          textareaClass={textareaClass}
          readOnly={readOnly}
        />
      )}

      <div className="flex flex-col gap-1.5">
        <span className="text-sm font-medium" aria-hidden>
          {chat ? 'Your message' : 'Prompt'}
        </span>
        <PromptEditor
          label={chat ? 'Your message' : 'Prompt'}
          value={draft.text}
          onChange={(text) => onChange({ text })}
          variables={variables}
          templates={promptTemplates}
          onSubmit={onRun}
          describedBy={[hintId, shownError ? errorId : null].filter(Boolean).join(' ')}
          invalid={!!shownError}
          height="14rem"
          readOnly={readOnly}
        />
        <p id={hintId} className="text-sm text-fg-muted">
          Type <code className="rounded bg-surface-muted px-1">{'{{'}</code> to insert a variable; a field to fill it appears under Variables.
        </p>
        {shownError && (
          <p id={errorId} className="text-sm font-medium text-danger-text">
            {shownError}
          </p>
        )}
      </div>

      <section aria-labelledby={`${id}-vars`} className="flex flex-col gap-3">
        <h3 id={`${id}-vars`} className="text-sm font-semibold">
          Variables
        </h3>
        <VariablesForm
          names={variables}
          values={draft.values}
          errors={variableErrors}
          showErrors={showErrors}
          onChange={(values) => onChange({ values })}
          readOnly={readOnly}
        />
      </section>
    </div>
  );
}
