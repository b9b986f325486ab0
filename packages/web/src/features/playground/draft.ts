import {
  defaultGenerationSettings,
  type BaseModel,
  generationPresets,
  generationSettingsSchema,
  templateVariables,
  variableValue,
  type CreatePlaygroundRunBody,
  type GenerationPresetName,
  type GenerationSettings,
  type ModelChoice,
  type PlaygroundAdapter,
  type PlaygroundChatMessage,
  type PlaygroundDraft,
  type PlaygroundRun,
} from '@qlora-studio/contracts';

export type PromptMode = 'text' | 'chat';

/** The settings as typed: strings, so a half-typed number is kept while it is wrong. */
export type SettingsForm = Record<Exclude<keyof GenerationSettings, 'stopStrings'>, string> & {
  /** One stop string per line; `\n` and `\t` stand for a line break and a tab. */
  stopStrings: string;
};

/**
 * What the Playground holds while you work. In chat mode the editor is the next user message
 * and `conversation` the turns before it; in text mode the editor is the whole template.
 */
export interface EditorDraft {
  mode: PromptMode;
  text: string;
  system: string;
  conversation: PlaygroundChatMessage[];
  values: Record<string, string>;
  settings: SettingsForm;
  panes: ModelChoice[];
}

export const emptyPane: ModelChoice = { modelId: '', adapterId: null, quant: 'nf4', kernels: 'fast' };

/** `"a\\nb"` (as typed) ↔ `"a\nb"`: stop strings are written one per line, escapes for breaks. */
export function parseStopStrings(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\')));
}

export function formatStopStrings(list: readonly string[]): string {
  return list.map((s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t')).join('\n');
}

export function settingsToForm(settings: GenerationSettings): SettingsForm {
  return {
    temperature: String(settings.temperature),
    topP: String(settings.topP),
    topK: String(settings.topK),
    maxNewTokens: String(settings.maxNewTokens),
    repetitionPenalty: String(settings.repetitionPenalty),
    seed: String(settings.seed),
    stopStrings: formatStopStrings(settings.stopStrings),
  };
}

export function emptyDraft(): EditorDraft {
  return { mode: 'text', text: '', system: '', conversation: [], values: {}, settings: settingsToForm(defaultGenerationSettings), panes: [emptyPane] };
}

/** Choosing a preset changes only the settings it names. */
export function applyPreset(form: SettingsForm, name: GenerationPresetName): SettingsForm {
  const next = { ...form };
  for (const [key, value] of Object.entries(generationPresets[name].settings)) (next as Record<string, string>)[key] = String(value);
  return next;
}

/** The preset whose settings the form matches, if any. */
export function matchingPreset(form: SettingsForm): GenerationPresetName | null {
  for (const [name, preset] of Object.entries(generationPresets) as [GenerationPresetName, (typeof generationPresets)[GenerationPresetName]][]) {
    if (
      Object.entries(preset.settings).every(
        ([key, value]) => Number((form as Record<string, string>)[key]) === value && (form as Record<string, string>)[key] !== '',
      )
    )
      return name;
  }
  return null;
}

export type SettingsErrors = Partial<Record<keyof SettingsForm, string>>;

/** Parses the typed settings; `maxNewTokens` is also bounded by the workspace limit. */
export function parseSettings(form: SettingsForm, maxNewTokensLimit: number | null): { settings: GenerationSettings | null; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const numbers: Record<string, number> = {};
  for (const key of ['temperature', 'topP', 'topK', 'maxNewTokens', 'repetitionPenalty', 'seed'] as const) {
    const raw = form[key].trim();
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) errors[key] = 'Enter a number.';
    else numbers[key] = value;
  }
  const candidate = { ...numbers, stopStrings: parseStopStrings(form.stopStrings) };
  const result = generationSettingsSchema.safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path[0] as keyof SettingsForm | undefined;
      if (key && !errors[key]) errors[key] = issueMessage(key, issue.code, issue.message);
    }
  }
  if (maxNewTokensLimit !== null && numbers.maxNewTokens !== undefined && numbers.maxNewTokens > maxNewTokensLimit && !errors.maxNewTokens) {
    errors.maxNewTokens = `This workspace allows at most ${maxNewTokensLimit.toLocaleString()} new tokens.`;
  }
  return { settings: result.success && Object.keys(errors).length === 0 ? result.data : null, errors };
}

const ranges: Record<Exclude<keyof SettingsForm, 'stopStrings'>, string> = {
  temperature: 'Use a value from 0 to 5.',
  topP: 'Use a value above 0, up to 1.',
  topK: 'Use a whole number from 0 to 1000.',
  maxNewTokens: 'Use a whole number from 1 to 8192.',
  repetitionPenalty: 'Use a value from 0.5 to 3.',
  seed: 'Use a whole number from 0 to 2147483647.',
};

function issueMessage(key: keyof SettingsForm, code: string, fallback: string): string {
  if (key === 'stopStrings') return code === 'too_big' ? 'Use at most 8 stop strings of up to 200 characters each.' : fallback;
  return ranges[key];
}

/**
 * Every `{{variable}}` the prompt uses: in the editor, and in chat also the system prompt and
 * the user turns. Assistant turns are model output (or written as such) and are sent as they
 * are, never filled, so a `{{…}}` in a reply is not a variable.
 */
export function draftVariables(draft: Pick<EditorDraft, 'mode' | 'text' | 'system' | 'conversation'>): string[] {
  if (draft.mode === 'text') return templateVariables(draft.text);
  return templateVariables(draft.system, ...draft.conversation.filter((m) => m.role === 'user').map((m) => m.content), draft.text);
}

export interface DraftProblems {
  settings: SettingsErrors;
  /** Variables without a value, by name. */
  variables: Record<string, string>;
  prompt: string | null;
  panes: string | null;
  /** Chat mode on a model that has no chat template (the server would refuse it). */
  chatTemplate: string | null;
  /**
   * A warning, not a problem: it does not stop the run. The turns do not alternate between
   * user and assistant, which most chat templates require (some raise an error).
   */
  conversation: string | null;
}

/** What the draft needs to know of a base model. */
export type DraftModel = Pick<BaseModel, 'id' | 'name' | 'hasChatTemplate'>;

/** What the draft needs to know of an adapter: the prompt template it was trained with. */
export type DraftAdapter = Pick<PlaygroundAdapter, 'id' | 'promptTemplate'>;

/**
 * The base models the panes use that have no way to write a conversation, each once, by name:
 * no chat template, no prompt template chosen for the pane, and no adapter trained with one.
 */
function modelsWithoutChatTemplate(panes: readonly ModelChoice[], models: readonly DraftModel[], adapters: readonly DraftAdapter[]): string[] {
  const names = new Set<string>();
  for (const pane of panes) {
    const model = models.find((m) => m.id === pane.modelId);
    const trainedWith = adapters.find((a) => a.id === pane.adapterId)?.promptTemplate;
    if (model && !model.hasChatTemplate && !pane.promptTemplate && !trainedWith) names.add(model.name);
  }
  return [...names];
}

function chatTemplateProblem(draft: EditorDraft, models: readonly DraftModel[], adapters: readonly DraftAdapter[]): string | null {
  if (draft.mode !== 'chat') return null;
  const names = modelsWithoutChatTemplate(draft.panes, models, adapters);
  if (!names.length) return null;
  const list = names.map((n) => `“${n}”`).join(', ');
  return names.length === 1
    ? `${list} has no chat template, so it can’t run a chat prompt: choose a chat prompt template for its pane, or use Text mode.`
    : `${list} have no chat template, so they can’t run a chat prompt: choose a chat prompt template for their panes, or use Text mode.`;
}

/**
 * Whether the turns before the editor message alternate, starting wherever they start, and
 * end with the assistant (the editor message is the next user turn). Null when they do.
 */
export function conversationWarning(conversation: readonly PlaygroundChatMessage[]): string | null {
  const why = 'Most chat templates need user and assistant turns to alternate.';
  for (let i = 1; i < conversation.length; i++) {
    const role = conversation[i]!.role;
    if (role === conversation[i - 1]!.role) return `Turns ${i} and ${i + 1} are both ${role} turns. ${why}`;
  }
  const n = conversation.length;
  if (conversation[n - 1]?.role === 'user')
    return `Turn ${n} is a user turn, and so is your message after it: add an assistant turn or remove turn ${n}. ${why}`;
  return null;
}

/** The request for a run, or what stops it. Only the variables the prompt uses are sent. */
export function draftToRunBody(
  draft: EditorDraft,
  options: { sessionId: string | null; maxNewTokens: number | null; models?: readonly DraftModel[]; adapters?: readonly DraftAdapter[] },
): { body: CreatePlaygroundRunBody | null; problems: DraftProblems } {
  const { settings, errors } = parseSettings(draft.settings, options.maxNewTokens);
  const names = draftVariables(draft);
  const variables = Object.fromEntries(names.map((name) => [name, variableValue(draft.values, name) ?? '']));
  const missing = Object.fromEntries(names.filter((name) => variables[name] === '').map((name) => [name, `Fill in “${name}”: the prompt uses {{${name}}}.`]));
  const prompt = draft.text.trim() === '' ? (draft.mode === 'chat' ? 'Write a message to send.' : 'Write a prompt.') : null;
  const panes = draft.panes.some((p) => !p.modelId) ? 'Choose a model for every pane.' : null;
  const chatTemplate = chatTemplateProblem(draft, options.models ?? [], options.adapters ?? []);
  const conversation = draft.mode === 'chat' ? conversationWarning(draft.conversation) : null;
  const problems: DraftProblems = { settings: errors, variables: missing, prompt, panes, chatTemplate, conversation };
  if (!settings || Object.keys(missing).length || prompt || panes || chatTemplate) return { body: null, problems };
  return {
    body: {
      ...(options.sessionId ? { sessionId: options.sessionId } : {}),
      prompt:
        draft.mode === 'text'
          ? { mode: 'text', template: draft.text, variables }
          : { mode: 'chat', system: draft.system, messages: [...draft.conversation, { role: 'user', content: draft.text }], variables },
      settings,
      panes: draft.panes,
    },
    problems,
  };
}

/** What stops the run, in the order the page shows it (the conversation warning does not). */
export function problemList(p: DraftProblems): string[] {
  return [p.panes, p.chatTemplate, p.prompt, ...Object.values(p.variables), ...Object.values(p.settings)].filter((x): x is string => !!x);
}

/** How many problems there are, for a summary next to Run. */
export function countProblems(p: DraftProblems): number {
  return problemList(p).length;
}

/**
 * Settings to store: every valid field as typed; only a field that does not parse (a
 * half-typed number) falls back to its default, so saving never fails and keeps the rest.
 */
export function savableSettings(form: SettingsForm): GenerationSettings {
  const { settings, errors } = parseSettings(form, null);
  if (settings) return settings;
  const defaults = settingsToForm(defaultGenerationSettings);
  const patched = { ...form };
  for (const key of Object.keys(errors) as (keyof SettingsForm)[]) patched[key] = defaults[key];
  return parseSettings(patched, null).settings ?? defaultGenerationSettings;
}

/** The saved form of the draft (what a session stores); see `savableSettings`. */
export function draftToSaved(draft: EditorDraft): PlaygroundDraft {
  const settings = savableSettings(draft.settings);
  const names = draftVariables(draft);
  const variables = Object.fromEntries(names.flatMap((n) => (variableValue(draft.values, n) === undefined ? [] : [[n, variableValue(draft.values, n)!]])));
  return {
    prompt:
      draft.mode === 'text'
        ? { mode: 'text', template: draft.text, variables }
        : { mode: 'chat', system: draft.system, messages: [...draft.conversation, { role: 'user', content: draft.text }], variables },
    settings,
    panes: draft.panes.length ? draft.panes : [emptyPane],
  };
}

/**
 * A saved draft (or a past run's prompt) back into the editor: in chat mode a final user
 * message becomes the editor text and the turns before it the conversation.
 */
export function savedToDraft(saved: Pick<PlaygroundDraft, 'prompt' | 'settings' | 'panes'>): EditorDraft {
  const base = { values: { ...saved.prompt.variables }, settings: settingsToForm(saved.settings), panes: saved.panes.map((p) => ({ ...p })) };
  if (saved.prompt.mode === 'text') return { ...base, mode: 'text', text: saved.prompt.template, system: '', conversation: [] };
  const messages = saved.prompt.messages;
  const last = messages[messages.length - 1];
  const endsWithUser = last?.role === 'user';
  return {
    ...base,
    mode: 'chat',
    system: saved.prompt.system,
    text: endsWithUser ? last.content : '',
    conversation: endsWithUser ? messages.slice(0, -1) : [...messages],
  };
}

/** The draft a past run started from. */
export function runToDraft(run: PlaygroundRun): EditorDraft {
  return savedToDraft({ prompt: run.prompt, settings: run.settings, panes: run.panes.map((p) => p.model) });
}

/**
 * Chat: the conversation a run sent plus one pane's reply become the conversation, and the
 * editor empties for the next message.
 */
export function continueChat(draft: EditorDraft, sent: readonly PlaygroundChatMessage[], reply: string): EditorDraft {
  return { ...draft, mode: 'chat', conversation: [...sent, { role: 'assistant', content: reply }], text: '' };
}
