import { defaultGenerationSettings } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import {
  applyPreset,
  continueChat,
  conversationWarning,
  countProblems,
  draftToRunBody,
  draftToSaved,
  draftVariables,
  emptyDraft,
  formatStopStrings,
  matchingPreset,
  parseSettings,
  parseStopStrings,
  savedToDraft,
  settingsToForm,
  type EditorDraft,
} from './draft';

const model = { modelId: 'm1', adapterId: null, quant: 'nf4' as const, kernels: 'fast' as const };

function draft(patch: Partial<EditorDraft> = {}): EditorDraft {
  return { ...emptyDraft(), panes: [model], ...patch };
}

describe('stop strings', () => {
  it('are one per line with \\n and \\t escapes, and round-trip', () => {
    expect(parseStopStrings('###\n\\n\\nUser:\n\nEND\\\\n')).toEqual(['###', '\n\nUser:', 'END\\n']);
    const list = ['a\nb', 'tab\there', 'back\\slash'];
    expect(parseStopStrings(formatStopStrings(list))).toEqual(list);
  });
});

describe('parseSettings', () => {
  it('parses the default form back to the defaults', () => {
    expect(parseSettings(settingsToForm(defaultGenerationSettings), 512)).toEqual({ settings: defaultGenerationSettings, errors: {} });
  });

  it('names each field that is not a number or out of range', () => {
    const form = { ...settingsToForm(defaultGenerationSettings), temperature: 'hot', topP: '0', topK: '2.5' };
    const { settings, errors } = parseSettings(form, null);
    expect(settings).toBeNull();
    expect(errors).toEqual({ temperature: 'Enter a number.', topP: 'Use a value above 0, up to 1.', topK: 'Use a whole number from 0 to 1000.' });
  });

  it('bounds max new tokens by the workspace limit', () => {
    const form = { ...settingsToForm(defaultGenerationSettings), maxNewTokens: '600' };
    expect(parseSettings(form, 512).errors.maxNewTokens).toBe('This workspace allows at most 512 new tokens.');
    expect(parseSettings(form, 1024).errors).toEqual({});
  });
});

describe('presets', () => {
  it('change only the fields they name and are recognised afterwards', () => {
    const form = { ...settingsToForm(defaultGenerationSettings), seed: '7' };
    const precise = applyPreset(form, 'precise');
    expect(precise).toMatchObject({ temperature: '0', topP: '1', topK: '0', repetitionPenalty: '1', seed: '7', maxNewTokens: '256' });
    expect(matchingPreset(precise)).toBe('precise');
    expect(matchingPreset(settingsToForm(defaultGenerationSettings))).toBe('balanced');
    expect(matchingPreset({ ...precise, temperature: '0.3' })).toBeNull();
  });
});

describe('draftVariables', () => {
  it('finds variables in the editor text, and in chat also in the system prompt and conversation', () => {
    expect(draftVariables(draft({ text: 'Translate {{text}} to {{lang}}', system: '{{ignored}}' }))).toEqual(['text', 'lang']);
    expect(
      draftVariables(
        draft({ mode: 'chat', system: 'You are {{persona}}.', conversation: [{ role: 'user', content: 'Hi {{name}}' }], text: '{{name}}, {{q}}' }),
      ),
    ).toEqual(['persona', 'name', 'q']);
  });

  it('ignores assistant turns: they are sent as they are, never filled', () => {
    const d = draft({
      mode: 'chat',
      conversation: [
        { role: 'user', content: 'Write a greeting template for {{product}}.' },
        { role: 'assistant', content: 'Hello {{customer}}, welcome to {{product}}!' },
      ],
      text: 'Shorter.',
      values: { product: 'Acme' },
    });
    expect(draftVariables(d)).toEqual(['product']);
    const { body, problems } = draftToRunBody(d, { sessionId: null, maxNewTokens: null });
    expect(problems.variables).toEqual({});
    expect(body?.prompt).toMatchObject({
      variables: { product: 'Acme' },
      messages: [{}, { role: 'assistant', content: 'Hello {{customer}}, welcome to {{product}}!' }, {}],
    });
  });
});

describe('draftToRunBody', () => {
  it('treats variables named like object properties as variables', () => {
    // `{{__proto__}}` is text, not a variable: a JSON body may not carry that key.
    const empty = draftToRunBody(draft({ text: '{{constructor}} {{__proto__}}', values: {} }), { sessionId: null, maxNewTokens: 512 });
    expect(Object.keys(empty.problems.variables)).toEqual(['constructor']);
    const { body } = draftToRunBody(draft({ text: '{{constructor}} {{__proto__}}', values: { constructor: 'Ada' } }), { sessionId: null, maxNewTokens: 512 });
    expect(Object.entries(body!.prompt.variables ?? {})).toEqual([['constructor', 'Ada']]);
    expect(Object.entries(draftToSaved(draft({ text: '{{toString}}', values: {} })).prompt.variables)).toEqual([]);
  });

  it('builds a text prompt with only the variables the prompt uses', () => {
    const { body } = draftToRunBody(draft({ text: 'Hi {{name}}', values: { name: 'Ada', old: 'x' } }), { sessionId: 's1', maxNewTokens: 512 });
    expect(body).toEqual({
      sessionId: 's1',
      prompt: { mode: 'text', template: 'Hi {{name}}', variables: { name: 'Ada' } },
      settings: defaultGenerationSettings,
      panes: [model],
    });
  });

  it('builds a chat prompt whose last message is the editor text, without a session when there is none', () => {
    const d = draft({
      mode: 'chat',
      system: 'Be brief.',
      conversation: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
      text: 'And now?',
    });
    const { body } = draftToRunBody(d, { sessionId: null, maxNewTokens: null });
    expect(body).not.toHaveProperty('sessionId');
    expect(body?.prompt).toEqual({
      mode: 'chat',
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'And now?' },
      ],
      variables: {},
    });
  });

  it('names each empty variable, an empty prompt and a pane without a model', () => {
    const { body, problems } = draftToRunBody(draft({ text: '', panes: [model, { ...model, modelId: '' }] }), { sessionId: null, maxNewTokens: null });
    expect(body).toBeNull();
    expect(problems.prompt).toBe('Write a prompt.');
    expect(problems.panes).toBe('Choose a model for every pane.');
    const second = draftToRunBody(draft({ text: '{{a}} {{b}}', values: { a: 'x', b: '' } }), { sessionId: null, maxNewTokens: null });
    expect(second.problems.variables).toEqual({ b: 'Fill in “b”: the prompt uses {{b}}.' });
    expect(countProblems(second.problems)).toBe(1);
  });
});

describe('chat on a model without a chat template', () => {
  const models = [
    { id: 'm1', name: 'Tiny chat', hasChatTemplate: true },
    { id: 'm2', name: 'Base only', hasChatTemplate: false },
  ];
  const twoPanes = [model, { ...model, modelId: 'm2' }];

  it('is a problem in chat mode that names the model and points to Text mode', () => {
    const { body, problems } = draftToRunBody(draft({ mode: 'chat', text: 'Hi', panes: twoPanes }), { sessionId: null, maxNewTokens: null, models });
    expect(body).toBeNull();
    expect(problems.chatTemplate).toBe(
      '“Base only” has no chat template, so it can’t run a chat prompt: choose a chat prompt template for its pane, or use Text mode.',
    );
    expect(countProblems(problems)).toBe(1);
  });

  it('is no problem when the pane has a prompt template, or its adapter was trained with one', () => {
    const qa = { id: 'question-answer' as const };
    const chosen = [model, { ...model, modelId: 'm2', promptTemplate: qa }];
    expect(
      draftToRunBody(draft({ mode: 'chat', text: 'Hi', panes: chosen }), { sessionId: null, maxNewTokens: null, models }).problems.chatTemplate,
    ).toBeNull();
    const tuned = [{ ...model, modelId: 'm2', adapterId: 'job1' }];
    const adapters = [{ id: 'job1', promptTemplate: qa }];
    expect(draftToRunBody(draft({ mode: 'chat', text: 'Hi', panes: tuned }), { sessionId: null, maxNewTokens: null, models, adapters }).body?.panes).toEqual(
      tuned,
    );
    expect(
      draftToRunBody(draft({ mode: 'chat', text: 'Hi', panes: tuned }), {
        sessionId: null,
        maxNewTokens: null,
        models,
        adapters: [{ id: 'job1', promptTemplate: null }],
      }).body,
    ).toBeNull();
  });

  it('is no problem in text mode, nor for models that have one', () => {
    expect(draftToRunBody(draft({ text: 'Hi', panes: twoPanes }), { sessionId: null, maxNewTokens: null, models }).body).not.toBeNull();
    expect(draftToRunBody(draft({ mode: 'chat', text: 'Hi' }), { sessionId: null, maxNewTokens: null, models }).problems.chatTemplate).toBeNull();
  });
});

describe('conversationWarning', () => {
  it('is null for no turns, or turns that alternate and end with the assistant', () => {
    expect(conversationWarning([])).toBeNull();
    expect(
      conversationWarning([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
      ]),
    ).toBeNull();
  });

  it('names two turns of the same role in a row', () => {
    const turns = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'assistant', content: 'c' },
    ] as const;
    expect(conversationWarning(turns)).toMatch(/^Turns 2 and 3 are both assistant turns\./);
  });

  it('names a final user turn, since the editor message is the next user turn; it does not stop the run', () => {
    const conversation = [{ role: 'user' as const, content: 'a' }];
    expect(conversationWarning(conversation)).toMatch(/^Turn 1 is a user turn, and so is your message after it/);
    const { body, problems } = draftToRunBody(draft({ mode: 'chat', conversation, text: 'b' }), { sessionId: null, maxNewTokens: null });
    expect(problems.conversation).not.toBeNull();
    expect(countProblems(problems)).toBe(0);
    expect(body).not.toBeNull();
  });
});

describe('saved drafts', () => {
  it('round-trip a chat draft through the saved form', () => {
    const d = draft({
      mode: 'chat',
      system: 'S {{p}}',
      conversation: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
      ],
      text: 'three',
      values: { p: 'v' },
    });
    const saved = draftToSaved(d);
    expect(saved.prompt).toMatchObject({ mode: 'chat', messages: [{ content: 'one' }, { content: 'two' }, { role: 'user', content: 'three' }] });
    expect(savedToDraft(saved)).toEqual(d);
  });

  it('save a half-typed setting as its default, keeping the others as typed', () => {
    expect(draftToSaved(draft({ settings: { ...settingsToForm(defaultGenerationSettings), topK: '' } })).settings).toEqual(defaultGenerationSettings);
    const typed = { ...settingsToForm(defaultGenerationSettings), temperature: '0.2', seed: '', topP: '7', stopStrings: '###' };
    expect(draftToSaved(draft({ settings: typed })).settings).toEqual({ ...defaultGenerationSettings, temperature: 0.2, stopStrings: ['###'] });
  });

  it('restore a chat that ends with the assistant with an empty editor', () => {
    const d = savedToDraft({
      prompt: {
        mode: 'chat',
        system: '',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
        variables: {},
      },
      settings: defaultGenerationSettings,
      panes: [model],
    });
    expect(d.text).toBe('');
    expect(d.conversation).toHaveLength(2);
  });
});

describe('continueChat', () => {
  it('adds the reply to what was sent and empties the editor', () => {
    const next = continueChat(draft({ mode: 'chat', text: 'edited since' }), [{ role: 'user', content: 'Hi' }], 'Hello!');
    expect(next.conversation).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ]);
    expect(next.text).toBe('');
  });
});
