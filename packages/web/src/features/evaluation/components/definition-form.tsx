import { benchmarkTaskLabels, benchmarkTasks, defaultBenchmarkTemplates, DEFAULT_JUDGE_RUBRIC, type BenchmarkTask } from '@qlora-studio/contracts';
import { Link } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Field, Input, selectClass } from '../../../components/ui/input';
import { RadioCard, RadioGroup } from '../../../components/ui/radio-group';
import { Switch } from '../../../components/ui/switch';
import { useJudgeConnection } from '../api/get-judge-connection';
import { unknownPlaceholders, withTask, type BenchmarkDraft, type ExtractorKind } from '../definition';

export const textareaClass =
  'min-h-24 w-full rounded-lg border border-line-strong bg-surface px-3 py-2 font-mono text-sm text-fg aria-[invalid=true]:border-danger';

const taskHelp: Record<BenchmarkTask, string> = {
  'multiple-choice': 'Each choice is scored by its log-likelihood after the prompt; the most likely one is the answer. Metric: accuracy.',
  generate: 'The model writes an answer; it is extracted and compared with the reference. Metrics: exact match, F1, ROUGE-L, BLEU, chrF.',
  loss: 'How surprised the model is by the reference answers. Metrics: loss and perplexity (lower is better).',
  judge: 'The model writes an answer; another model scores it against a rubric. Needs a judge endpoint in Settings.',
};

const extractorLabels: Record<ExtractorKind, string> = {
  whole: 'Whole text (trimmed)',
  'last-number': 'Last number in the text',
  regex: 'Regular expression (first group)',
};

interface FormProps {
  draft: BenchmarkDraft;
  update: (patch: Partial<BenchmarkDraft>) => void;
  setDraft: (draft: BenchmarkDraft) => void;
  columns: readonly string[];
}

/** Step 2: the task, which columns hold what, the templates and the task's settings. */
export function DefinitionForm({ draft, update, setDraft, columns }: FormProps) {
  return (
    <div className="flex flex-col gap-6">
      <Field label="Benchmark name">{(ids) => <Input {...ids} value={draft.name} onChange={(e) => update({ name: e.target.value })} maxLength={120} />}</Field>
      <section aria-labelledby="benchmark-task-title" className="flex flex-col gap-3">
        <h3 id="benchmark-task-title" className="font-semibold">
          Task
        </h3>
        <RadioGroup
          aria-labelledby="benchmark-task-title"
          value={draft.task}
          onValueChange={(v) => setDraft(withTask(draft, v as BenchmarkTask))}
          className="sm:grid-cols-2"
        >
          {benchmarkTasks.map((t) => (
            <RadioCard key={t} value={t} aria-describedby={`task-help-${t}`}>
              <span className="font-medium">{benchmarkTaskLabels[t]}</span>
              <span id={`task-help-${t}`} className="mt-1 text-sm text-fg-muted">
                {taskHelp[t]}
              </span>
            </RadioCard>
          ))}
        </RadioGroup>
        {draft.task === 'judge' && <JudgeConnectionNotice />}
      </section>
      <FieldMapping draft={draft} update={update} columns={columns} />
      <TemplateSection draft={draft} update={update} columns={columns} />
      {(draft.task === 'generate' || draft.task === 'judge') && <GenerationSection draft={draft} update={update} />}
      {draft.task === 'judge' && <JudgeSection draft={draft} update={update} />}
    </div>
  );
}

function ColumnSelect({
  label,
  value,
  onChange,
  columns,
  description,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  columns: readonly string[];
  description?: string;
}) {
  // A stored value that is not a column (an edited benchmark on a new version) stays selectable.
  const options = value && !columns.includes(value) ? [value, ...columns] : columns;
  return (
    <Field label={label} description={description}>
      {(ids) => (
        <select {...ids} className={selectClass} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Choose a column…</option>
          {options.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function FieldMapping({ draft, update, columns }: Omit<FormProps, 'setDraft'>) {
  const choiceFields = draft.choiceFields.length >= 2 ? draft.choiceFields : [...draft.choiceFields, '', ''].slice(0, Math.max(2, draft.choiceFields.length));
  return (
    <section aria-labelledby="benchmark-fields-title" className="flex flex-col gap-3">
      <h3 id="benchmark-fields-title" className="font-semibold">
        Fields
      </h3>
      <p className="text-sm text-fg-muted">Which column of each row holds what. The lists show the dataset’s columns.</p>
      <div className="grid gap-4 sm:grid-cols-2">
        <ColumnSelect
          label="Question field"
          value={draft.question}
          onChange={(question) => update({ question })}
          columns={columns}
          description="Fills {question} in the prompt."
        />
        <ColumnSelect
          label="Answer field"
          value={draft.answer}
          onChange={(answer) => update({ answer })}
          columns={columns}
          description={draft.task === 'multiple-choice' ? 'The right choice: its text, its letter (A, B…) or its index (0, 1…).' : 'The reference answer.'}
        />
      </div>
      {draft.task === 'multiple-choice' && (
        <fieldset className="flex flex-col gap-3 rounded-xl border border-line p-4">
          <legend className="px-1 text-sm font-medium">Choices</legend>
          <RadioGroup
            aria-label="How the choices are stored"
            value={draft.choicesMode}
            onValueChange={(v) => update({ choicesMode: v as BenchmarkDraft['choicesMode'] })}
            className="sm:grid-cols-2"
          >
            <RadioCard value="list">
              <span className="font-medium">One field holds them all</span>
              <span className="text-sm text-fg-muted">A list, a JSON list or lines like “A) 5”.</span>
            </RadioCard>
            <RadioCard value="fields">
              <span className="font-medium">One field per choice</span>
              <span className="text-sm text-fg-muted">E.g. columns A, B, C, D.</span>
            </RadioCard>
          </RadioGroup>
          {draft.choicesMode === 'list' ? (
            <ColumnSelect label="Choices field" value={draft.choicesField} onChange={(choicesField) => update({ choicesField })} columns={columns} />
          ) : (
            <div className="flex flex-col gap-3">
              <div className="grid gap-3 sm:grid-cols-2">
                {choiceFields.map((f, i) => (
                  <ColumnSelect
                    key={i}
                    label={`Choice ${String.fromCharCode(65 + i)} field`}
                    value={f}
                    columns={columns}
                    onChange={(v) => update({ choiceFields: choiceFields.map((x, j) => (j === i ? v : x)) })}
                  />
                ))}
              </div>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" disabled={choiceFields.length >= 26} onClick={() => update({ choiceFields: [...choiceFields, ''] })}>
                  Add a choice field
                </Button>
                <Button variant="ghost" disabled={choiceFields.length <= 2} onClick={() => update({ choiceFields: choiceFields.slice(0, -1) })}>
                  Remove the last
                </Button>
              </div>
            </div>
          )}
        </fieldset>
      )}
    </section>
  );
}

function TemplateSection({ draft, update, columns }: Omit<FormProps, 'setDraft'>) {
  const special = draft.task === 'multiple-choice' ? 'choice' : 'answer';
  const unknown = [...unknownPlaceholders(draft.prompt, columns, ['question']), ...unknownPlaceholders(draft.continuation, columns, ['question', special])];
  const defaults = defaultBenchmarkTemplates[draft.task];
  const isDefault = draft.prompt === defaults.prompt && draft.continuation === defaults.continuation;
  return (
    <section aria-labelledby="benchmark-template-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="benchmark-template-title" className="font-semibold">
          Prompt template
        </h3>
        <Button variant="ghost" disabled={isDefault} onClick={() => update(defaults)}>
          Reset to the default
        </Button>
      </div>
      <p id="placeholder-help" className="text-sm text-fg-muted">
        <code>{'{question}'}</code> is the question field; <code>{`{${special}}`}</code> in the continuation is{' '}
        {draft.task === 'multiple-choice' ? 'each choice in turn' : 'the reference answer'}; any other <code>{'{column}'}</code> is that column of the row.
        {draft.task === 'multiple-choice' || draft.task === 'loss'
          ? ' The continuation is what gets scored after the prompt (start it with a space, as lm-evaluation-harness does).'
          : ' The model generates after the prompt.'}
      </p>
      <Field label="Prompt">
        {(ids) => (
          <textarea
            {...ids}
            aria-describedby="placeholder-help"
            className={textareaClass}
            value={draft.prompt}
            onChange={(e) => update({ prompt: e.target.value })}
            rows={4}
          />
        )}
      </Field>
      <Field label="Continuation">
        {(ids) => (
          <Input
            {...ids}
            aria-describedby="placeholder-help"
            className="font-mono text-sm"
            value={draft.continuation}
            onChange={(e) => update({ continuation: e.target.value })}
          />
        )}
      </Field>
      {unknown.length > 0 && (
        <Alert tone="warning" title="Unknown placeholders" role="status">
          {unknown.map((u) => `{${u}}`).join(', ')} name no column of this dataset: every row would fail. Fix the spelling or pick another column.
        </Alert>
      )}
    </section>
  );
}

function GenerationSection({ draft, update }: Pick<FormProps, 'draft' | 'update'>) {
  return (
    <section aria-labelledby="benchmark-generation-title" className="flex flex-col gap-4">
      <h3 id="benchmark-generation-title" className="font-semibold">
        Generation
      </h3>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Max new tokens" description="The longest answer the model may write.">
          {(ids) => (
            <Input
              {...ids}
              type="number"
              min={1}
              max={4096}
              inputMode="numeric"
              value={draft.maxNewTokens}
              onChange={(e) => update({ maxNewTokens: e.target.value })}
            />
          )}
        </Field>
        <Field label="Answer extractor" description="How the answer is taken from the output and from the reference before they are compared.">
          {(ids) => (
            <select {...ids} className={selectClass} value={draft.extractor} onChange={(e) => update({ extractor: e.target.value as ExtractorKind })}>
              {(Object.keys(extractorLabels) as ExtractorKind[]).map((k) => (
                <option key={k} value={k}>
                  {extractorLabels[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {draft.extractor === 'regex' && (
        <Field label="Answer pattern" description='A regular expression; its first group is the answer, e.g. "#### (-?[0-9.,]+)" for GSM8K.'>
          {(ids) => <Input {...ids} className="font-mono text-sm" value={draft.pattern} onChange={(e) => update({ pattern: e.target.value })} />}
        </Field>
      )}
      <Field label="Stop strings" description="One per line; generation stops at the first. Write \n for a line break (e.g. \n\n stops at a blank line).">
        {(ids) => <textarea {...ids} className={textareaClass} rows={2} value={draft.stop} onChange={(e) => update({ stop: e.target.value })} />}
      </Field>
      <div className="flex items-center gap-3">
        <Switch
          id="benchmark-sampling"
          checked={draft.sampling}
          onCheckedChange={(sampling) => update({ sampling })}
          aria-describedby="benchmark-sampling-help"
        />
        <label htmlFor="benchmark-sampling" className="text-sm font-medium">
          Seeded sampling
        </label>
      </div>
      <p id="benchmark-sampling-help" className="-mt-2 text-sm text-fg-muted">
        Off: greedy decoding (the same output every time). On: sample with this temperature and top-p from a fixed seed, so a result can still be reproduced.
      </p>
      {draft.sampling && (
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Temperature">
            {(ids) => (
              <Input {...ids} type="number" step="0.1" min={0} max={2} value={draft.temperature} onChange={(e) => update({ temperature: e.target.value })} />
            )}
          </Field>
          <Field label="Top-p">
            {(ids) => <Input {...ids} type="number" step="0.05" min={0} max={1} value={draft.topP} onChange={(e) => update({ topP: e.target.value })} />}
          </Field>
          <Field label="Sampling seed">
            {(ids) => <Input {...ids} type="number" min={0} value={draft.seed} onChange={(e) => update({ seed: e.target.value })} />}
          </Field>
        </div>
      )}
    </section>
  );
}

function JudgeSection({ draft, update }: Pick<FormProps, 'draft' | 'update'>) {
  return (
    <section aria-labelledby="benchmark-judge-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="benchmark-judge-title" className="font-semibold">
          Judge
        </h3>
        <Button variant="ghost" disabled={draft.rubric === DEFAULT_JUDGE_RUBRIC} onClick={() => update({ rubric: DEFAULT_JUDGE_RUBRIC })}>
          Reset the rubric
        </Button>
      </div>
      <Field
        label="Rubric"
        description="Sent to the judge model for each item: {question}, {reference} and {answer} are filled in. It must end by asking for “Score: N” from 1 to 10."
      >
        {(ids) => <textarea {...ids} className={textareaClass} rows={8} value={draft.rubric} onChange={(e) => update({ rubric: e.target.value })} />}
      </Field>
      <Field label="Pass mark" description="A score at or above this counts as a correct answer (the pass rate).">
        {(ids) => (
          <Input {...ids} type="number" min={1} max={10} className="max-w-32" value={draft.passMark} onChange={(e) => update({ passMark: e.target.value })} />
        )}
      </Field>
    </section>
  );
}

/** Judge benchmarks need an endpoint; without one they can be created, but launching them is refused. */
function JudgeConnectionNotice() {
  const judge = useJudgeConnection();
  if (judge.isPending || judge.isError || judge.data.baseUrl) {
    return judge.data?.baseUrl ? (
      <p className="text-sm text-fg-muted" role="status">
        Judged by {judge.data.model ?? 'the configured model'} at {judge.data.baseUrl}.
      </p>
    ) : null;
  }
  return (
    <Alert
      tone="warning"
      title="No judge endpoint is set"
      action={
        <Button asChild variant="secondary">
          <Link to="/settings">Set one in Settings</Link>
        </Button>
      }
    >
      You can create this benchmark now, but evaluations on it are refused until Settings names an OpenAI-compatible endpoint and model to judge with.
    </Alert>
  );
}
